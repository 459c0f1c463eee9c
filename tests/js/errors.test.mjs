// Every error web/ throws is a ClipfindError with a stable code, of the class its code maps to: read in
// the source (no other error class is constructed), then the paths that used to throw something else
// (out of WASM memory, a cancelled add, a library of another model) driven through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as clipfind from 'clipfind';
import { AbortError, ClipfindError, FlatIndex, Library, ModelMismatchError, Tokenizer } from 'clipfind';
import { loadWasm } from 'clipfind/internal';
import { makeError } from '../../web/errors.js';
import { conceptModel, img } from './helpers/concept_model.mjs';

const web = new URL('../../web/', import.meta.url);
const errorClasses = Object.keys(clipfind).filter((name) => clipfind[name] === ClipfindError || clipfind[name]?.prototype instanceof ClipfindError);

test('web/*.js constructs no error class but the exported ClipfindError family', () => {
  assert.ok(errorClasses.length >= 9, errorClasses.join());
  const found = [];
  for (const f of readdirSync(web).filter((n) => n.endsWith('.js'))) {
    const code = readFileSync(new URL(f, web), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const m of code.matchAll(/new\s+([A-Z]\w*(?:Error|Exception))\s*\(/g)) {
      if (!errorClasses.includes(m[1])) found.push(`${f}: new ${m[1]}`);
    }
    // Besides `throw new X(...)`: rethrows of a caught error, and the files' own factories of the classes above.
    for (const m of code.matchAll(/throw\s+(?!new\s|err\b|error\b|(?:makeError|outOfMemory|fail|bad|corrupt|notFound|stopped|networkError|closing|this\.#fail)\()([^;]+)/g)) found.push(`${f}: throw ${m[1]}`);
  }
  assert.deepEqual(found, []);
});

test('every code maps to its class, whose name err.name is; ABORTED is named AbortError as in the DOM', () => {
  const classOf = {
    INVALID_ARGUMENT: 'InvalidInputError', NOT_FOUND: 'NotFoundError', CORRUPT_DATA: 'CorruptDataError', INVALID_MODEL: 'ModelFileError',
    INVALID_IMAGE: 'ImageError', CLOSED: 'ClosedError', ABORTED: 'AbortError', MODEL_MISMATCH: 'ModelMismatchError',
    OUT_OF_MEMORY: 'ClipfindError', NETWORK: 'ClipfindError', INVALID_PDF: 'DocumentError', PDF_ENCRYPTED: 'DocumentError',
  };
  for (const [code, name] of Object.entries(classOf)) {
    const err = makeError(code, 'x');
    assert.ok(err instanceof clipfind[name], code);
    assert.equal(err.code, code);
    assert.equal(err.name, name);
  }
});

test('out of WASM memory is ClipfindError OUT_OF_MEMORY, from the index, the tokenizer and the checksum', async () => {
  const M = await loadWasm();
  const index = await FlatIndex.create({ dim: 4 });
  index.add(['a'], new Float32Array([1, 0, 0, 0]));
  const tokenizer = await Tokenizer.fromFiles({ tokenizer: readFileSync(new URL('../../models/tiny/tokenizer.json', import.meta.url), 'utf8') });
  const lib = await Library.create(conceptModel());
  const malloc = M._malloc;
  M._malloc = () => 0;
  try {
    const oom = (e) => e instanceof ClipfindError && e.code === 'OUT_OF_MEMORY';
    assert.throws(() => index.update(['a'], new Float32Array([0, 1, 0, 0])), oom);
    assert.throws(() => tokenizer.decode([1, 2, 3]), oom);
    assert.throws(() => lib.toBytes(), oom);
    await assert.rejects(FlatIndex.fromBytes(new Uint8Array(64)), oom);
  } finally {
    M._malloc = malloc;
  }
  assert.equal(index.search(new Float32Array([0, 1, 0, 0]), 1).ids[0], 'a', 'the index still works');
  index.close();
  tokenizer.close();
  lib.close();
});

test('a cancelled add is an AbortError with code ABORTED; a library of another model a ModelMismatchError', async () => {
  const lib = await Library.create(conceptModel());
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(lib.add([{ id: 'a.jpg', image: img('red car') }], { signal: ctl.signal }), (e) => e instanceof AbortError && e.code === 'ABORTED' && e.name === 'AbortError');
  await lib.add([{ id: 'a.jpg', image: img('red car') }]);
  await assert.rejects(Library.fromBytes(lib.toBytes(), conceptModel('another@2')), (e) => e instanceof ModelMismatchError && e.code === 'MODEL_MISMATCH' && e.libraryModel.id === 'concept-model@1');
  // Without a model: the stored vectors serve, and what needs a model says so in a ClipfindError.
  const stored = await Library.fromBytes(lib.toBytes());
  assert.deepEqual(stored.dupes(), []);
  await assert.rejects(stored.search('red car'), (e) => e instanceof ClipfindError && e.code === 'INVALID_ARGUMENT' && /without a model/.test(e.message));
  stored.close();
  lib.close();
});
