// The library file's extra sections (format version 2): what later kinds of items (audio, document
// pages) save beside the image and caption indexes. Photo-only libraries stay version 1 files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError, FlatIndex, Library } from 'clipfind';
import { decodeLibraryFile, encodeLibraryFile, registerSection } from 'clipfind/internal';
import { conceptModel, img } from './helpers/concept_model.mjs';

const version = (bytes) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);

async function photoLibrary(model) {
  const lib = await Library.create(model);
  await lib.add([{ id: 'a', image: img('red car'), caption: 'a red car' }, { id: 'b', image: img('dog') }]);
  return lib;
}

test('a library of photos only is written as a version 1 file, which older builds read', async () => {
  const lib = await photoLibrary(conceptModel());
  const bytes = lib.toBytes();
  assert.equal(version(bytes), 1);
  assert.equal(decodeLibraryFile(bytes).header.sections, undefined);
  lib.close();
});

test('extra sections: saved after the indexes, loaded by their registered loader, written back unchanged', async () => {
  const model = conceptModel();
  const lib = await photoLibrary(model);
  const { header, images, captions } = decodeLibraryFile(lib.toBytes());
  const extra = await FlatIndex.create({ dim: 3 });
  extra.add(['x', 'y'], new Float32Array([1, 0, 0, 0, 1, 0]));
  const file = encodeLibraryFile(header, images, captions, [{ name: 'test-extra', bytes: extra.toBytes() }]);
  assert.equal(version(file), 2);

  const loads = [];
  registerSection('test-extra', async (size, pieces) => {
    const chunks = [];
    for await (const piece of pieces) chunks.push(piece.slice());
    const index = await FlatIndex.fromBytes(new Blob(chunks));
    loads.push(size);
    return index;
  });
  const opened = await Library.fromBytes(file, model);
  assert.deepEqual(loads, [extra.toBytes().length]);
  assert.ok(opened.memoryBytes > lib.memoryBytes, 'the extra index counts in memoryBytes');
  assert.deepEqual(opened.toBytes(), file);
  assert.equal((await opened.search('dog')).results[0].id, 'b');
  opened.close();
  lib.close();
  extra.close();
});

test('a section this build does not know, or a damaged section list: typed errors', async () => {
  const model = conceptModel();
  const lib = await photoLibrary(model);
  const { header, images, captions } = decodeLibraryFile(lib.toBytes());
  const unknown = encodeLibraryFile(header, images, captions, [{ name: 'from-the-future', bytes: new Uint8Array(8) }]);
  await assert.rejects(Library.fromBytes(unknown, model), (e) => e instanceof CorruptDataError && e.code === 'UNSUPPORTED_VERSION' && /from-the-future/.test(e.message));

  // Version 2 without a list of sections, and version 1 with one: both refused as damaged.
  const v2 = encodeLibraryFile(header, images, captions, [{ name: 'from-the-future', bytes: new Uint8Array(8) }]);
  const noList = encodeLibraryFile({ ...header, sections: undefined }, images, captions);
  const patched = noList.slice();
  new DataView(patched.buffer).setUint32(8, 2, true);
  const { crc32, loadWasm } = await import('clipfind/internal');
  await loadWasm();
  new DataView(patched.buffer).setUint32(patched.length - 4, crc32(patched.subarray(0, patched.length - 4)), true);
  await assert.rejects(Library.fromBytes(patched, model), (e) => e instanceof CorruptDataError && /sections must be/.test(e.message));
  const v1WithList = v2.slice();
  new DataView(v1WithList.buffer).setUint32(8, 1, true);
  new DataView(v1WithList.buffer).setUint32(v1WithList.length - 4, crc32(v1WithList.subarray(0, v1WithList.length - 4)), true);
  await assert.rejects(Library.fromBytes(v1WithList, model), (e) => e instanceof CorruptDataError && /version 1 file has no extra sections/.test(e.message));
  // A file from a version this build does not read.
  const v9 = lib.toBytes();
  new DataView(v9.buffer).setUint32(8, 9, true);
  new DataView(v9.buffer).setUint32(v9.length - 4, crc32(v9.subarray(0, v9.length - 4)), true);
  await assert.rejects(Library.fromBytes(v9, model), (e) => e.code === 'UNSUPPORTED_VERSION' && /reads 1 and 2/.test(e.message));
  lib.close();
});
