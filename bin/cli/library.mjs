// Library commands: index, search, remove, tag, dupes (contracts in README).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Library, Model, parseTerm } from '../../web/index.js';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.gif', '.bmp', '.webp', '.heic', '.heif', '.avif', '.tif', '.tiff']);

function usageError(usage) {
  process.stderr.write(`usage: ${usage}\n`);
  return 2;
}

function walk(root, rel, out) {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(path.join(root, r));
    if (st.isDirectory()) walk(root, r, out);
    else if (IMAGE_EXT.has(path.extname(name).toLowerCase())) out.push({ id: r, file: path.join(root, r) });
  }
}

async function openOrCreate(file, model) {
  if (existsSync(file)) return Library.open(file, model);
  return Library.create(model);
}

// --captions FILE.json: { "path or id": "caption" }.
function readCaptions(file) {
  let captions;
  try {
    captions = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw Object.assign(new Error(`${file}: ${err.code === 'ENOENT' ? 'no such file' : `not valid JSON (${err.message})`}`), { code: err.code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT' });
  }
  if (captions === null || typeof captions !== 'object' || Array.isArray(captions)) throw Object.assign(new Error(`${file}: expected an object of path -> caption`), { code: 'INVALID_ARGUMENT' });
  return captions;
}

export const indexUsage = 'clipfind index --model DIR --library FILE [--captions FILE.json] PATH...';
export async function index(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: { model: { type: 'string' }, library: { type: 'string' }, captions: { type: 'string' }, backend: { type: 'string' } }, allowPositionals: true });
  if (!values.model || !values.library || !positionals.length) return usageError(indexUsage);
  const captions = values.captions ? readCaptions(values.captions) : {};
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto' });
  const lib = await openOrCreate(values.library, model);
  const failed = [];
  const files = [];
  for (const p of positionals) {
    let st;
    try {
      st = statSync(p);
    } catch {
      failed.push({ path: p, error: 'NOT_FOUND: no such file or directory' });
      continue;
    }
    if (st.isDirectory()) walk(p, '', files);
    else files.push({ id: p, file: p });
  }
  const items = [];
  for (const f of files) {
    try {
      items.push({ id: f.id, image: new Uint8Array(readFileSync(f.file)), caption: captions[f.id] ?? captions[f.file] });
    } catch (err) {
      failed.push({ path: f.file, error: `${err.code ?? 'INVALID_IMAGE'}: ${err.message}` });
    }
  }
  const pathOf = new Map(files.map((f) => [f.id, f.file]));
  const summary = await lib.add(items, {
    onProgress: ({ done, total, perSecond, eta }) => process.stderr.write(`\rindexed ${done}/${total} (${perSecond.toFixed(1)}/s${eta != null ? `, ${Math.ceil(eta)}s left` : ''})  `),
  });
  process.stderr.write('\n');
  for (const f of summary.failed) failed.push({ path: pathOf.get(f.id) ?? f.id, error: `${f.error.code ? `${f.error.code}: ` : ''}${f.error.message}` });
  await lib.save(values.library);
  process.stdout.write(`${JSON.stringify({ added: summary.added + summary.updated, skipped: summary.skipped, failed })}\n`);
  lib.close();
  await model.close();
  return failed.length ? 1 : 0;
}

export const searchUsage = 'clipfind search --library FILE --model DIR [-k N] [--no-cutoff] --json [--] TERM...';
export async function search(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { library: { type: 'string' }, model: { type: 'string' }, k: { type: 'string', short: 'k' }, 'no-cutoff': { type: 'boolean' }, json: { type: 'boolean' }, backend: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.library || !values.model || !positionals.length) return usageError(searchUsage);
  const k = values.k === undefined ? 10 : Number(values.k);
  if (!Number.isInteger(k) || k < 0) return usageError(searchUsage);
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto' });
  const lib = await Library.open(values.library, model);
  const terms = positionals.map(parseTerm).map((t) => (t.kind === 'image' ? { ...t, value: new Uint8Array(readFileSync(t.value)) } : t));
  const { results } = await lib.search(terms, { k, cutoff: values['no-cutoff'] ? false : 'auto' });
  const rows = results.map((r) => ({ id: r.id, score: r.score, imageScore: r.imageScore, captionScore: r.captionScore, relevant: r.relevant }));
  if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else for (const r of rows) process.stdout.write(`${r.score.toFixed(4)}  ${r.relevant ? '*' : ' '}  ${r.id}\n`);
  lib.close();
  await model.close();
  return 0;
}

export const removeUsage = 'clipfind remove --library FILE ID...';
export async function remove(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: { library: { type: 'string' } }, allowPositionals: true });
  if (!values.library || !positionals.length) return usageError(removeUsage);
  const lib = await Library.open(values.library, null);
  const removed = lib.remove(positionals);
  await lib.save(values.library);
  process.stdout.write(`${JSON.stringify({ removed })}\n`);
  lib.close();
  return 0;
}

export const tagUsage = 'clipfind tag --library FILE --model DIR [--threshold P] [--apply] LABEL...';
export async function tag(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: { library: { type: 'string' }, model: { type: 'string' }, threshold: { type: 'string' }, apply: { type: 'boolean' }, backend: { type: 'string' } }, allowPositionals: true });
  if (!values.library || !values.model || !positionals.length) return usageError(tagUsage);
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto' });
  const lib = await Library.open(values.library, model);
  const tags = await lib.tag(positionals, { threshold: values.threshold ? Number(values.threshold) : 0.5, apply: Boolean(values.apply) });
  if (values.apply) await lib.save(values.library);
  process.stdout.write(`${JSON.stringify(tags.map((t) => ({ id: t.id, tags: t.tags.map(({ label, score }) => ({ label, score })) })))}\n`);
  lib.close();
  await model.close();
  return 0;
}

export const dupesUsage = 'clipfind dupes --library FILE [--threshold COS]';
export async function dupes(argv) {
  const { values } = parseArgs({ args: argv, options: { library: { type: 'string' }, threshold: { type: 'string' } } });
  if (!values.library) return usageError(dupesUsage);
  const lib = await Library.open(values.library, null);
  process.stdout.write(`${JSON.stringify(lib.dupes({ threshold: values.threshold ? Number(values.threshold) : 0.95 }))}\n`);
  lib.close();
  return 0;
}
