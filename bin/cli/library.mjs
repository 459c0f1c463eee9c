// Library commands: index, search, remove, tag, dupes (options and help in commands.mjs).
import { existsSync, openAsBlob, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Library, Model, parseTerm } from '../../web/index.js';
import { VIDEO_EXTENSIONS } from '../../web/video.js';
import { UsageError, required } from './usage.mjs';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.gif', '.bmp', '.webp', '.heic', '.heif', '.avif', '.tif', '.tiff']);
// PDFs are added page by page (items '<path>#page=<n>').
const DOCUMENT_EXT = new Set(['.pdf']);
const VIDEO_EXT = new Set(VIDEO_EXTENSIONS);
const isVideo = (file) => VIDEO_EXT.has(path.extname(file).toLowerCase());

function walk(root, rel, out) {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(path.join(root, r));
    if (st.isDirectory()) walk(root, r, out);
    else if (IMAGE_EXT.has(path.extname(name).toLowerCase()) || DOCUMENT_EXT.has(path.extname(name).toLowerCase()) || isVideo(name)) out.push({ id: r, file: path.join(root, r) });
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

export async function index({ values, positionals }) {
  required(values, 'model', 'library');
  if (!positionals.length) throw new UsageError('no PATH given');
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
      const caption = captions[f.id] ?? captions[f.file];
      // videos as Blobs backed by the file: a long video is never read into memory whole
      if (isVideo(f.file)) items.push({ id: f.id, video: await openAsBlob(f.file), caption });
      else if (DOCUMENT_EXT.has(path.extname(f.file).toLowerCase())) items.push({ id: f.id, pdf: new Uint8Array(readFileSync(f.file)) });
      else items.push({ id: f.id, image: new Uint8Array(readFileSync(f.file)), caption });
    } catch (err) {
      failed.push({ path: f.file, error: `${err.code ?? 'INVALID_IMAGE'}: ${err.message}` });
    }
  }
  const pathOf = new Map(files.map((f) => [f.id, f.file]));
  const fileOf = (id) => pathOf.get(id) ?? (/#page=\d+$/.test(id) ? `${pathOf.get(id.replace(/#page=\d+$/, '')) ?? id.replace(/#page=\d+$/, '')}${id.slice(id.lastIndexOf('#'))}` : id);
  const summary = await lib.add(items, {
    onProgress: ({ done, total, perSecond, eta, video }) => process.stderr.write(video
      ? `\rindexed ${done}/${total}, ${video.id}: ${video.stage} frame ${video.done}/${video.total}  `
      : `\rindexed ${done}/${total} (${perSecond.toFixed(1)}/s${eta != null ? `, ${Math.ceil(eta)}s left` : ''})  `),
  });
  process.stderr.write('\n');
  for (const f of summary.failed) failed.push({ path: fileOf(f.id), error: `${f.error.code ? `${f.error.code}: ` : ''}${f.error.message}` });
  await lib.save(values.library);
  process.stdout.write(`${JSON.stringify({ added: summary.added + summary.updated, skipped: summary.skipped, failed })}\n`);
  lib.close();
  await model.close();
  return failed.length ? 1 : 0;
}

export async function search({ values, positionals }) {
  required(values, 'library', 'model');
  if (!positionals.length) throw new UsageError('no TERM given');
  const k = values.k === undefined ? 10 : Number(values.k);
  if (!Number.isInteger(k) || k < 0) throw new UsageError(`-k must be a whole number >= 0, got '${values.k}'`);
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto' });
  const lib = await Library.open(values.library, model);
  const terms = positionals.map(parseTerm).map((t) => (t.kind === 'image' ? { ...t, value: new Uint8Array(readFileSync(t.value)) } : t));
  const { results } = await lib.search(terms, { k, cutoff: values['no-cutoff'] ? false : 'auto' });
  const rows = results.map((r) => ({ id: r.id, kind: r.kind, ...(r.time !== undefined ? { time: r.time, frameTime: r.frameTime } : {}), ...(r.meta.page ? { page: r.meta.page } : {}), score: r.score, imageScore: r.imageScore, captionScore: r.captionScore, relevant: r.relevant }));
  if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else process.stdout.write(resultTable(rows, positionals.join(' '), !values['no-cutoff']));
  lib.close();
  await model.close();
  return 0;
}

const fmt = (v) => (v == null ? '-' : v.toFixed(3));
// A video moment as a player shows it: m:ss (h:mm:ss from an hour).
const clock = (t) => {
  const s = Math.floor(t), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

// A table a person reads: rank, score, whether it matches, the id; then one line saying what matched.
function resultTable(rows, query, cutoff) {
  if (!rows.length) return `No photos in the library match "${query}".\n`;
  const head = ['#', 'score', 'image', 'caption', ...(cutoff ? ['match'] : []), 'id'];
  const body = rows.map((r, i) => [String(i + 1), fmt(r.score), fmt(r.imageScore), fmt(r.captionScore), ...(cutoff ? [r.relevant ? 'yes' : 'no'] : []), r.time !== undefined ? `${r.id} @ ${clock(r.time)}` : r.id]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells) => cells.map((x, c) => (c === cells.length - 1 ? x : c === 0 ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join('  ');
  const relevant = rows.filter((r) => r.relevant).length;
  const summary = !cutoff ? `${rows.length} closest to "${query}"`
    : relevant ? `${relevant} of ${rows.length} shown match "${query}"`
      : `No photos match "${query}" — showing the closest ${rows.length}`;
  return `${[line(head), ...body.map(line)].join('\n')}\n${summary}\n`;
}

export async function remove({ values, positionals }) {
  required(values, 'library');
  if (!positionals.length) throw new UsageError('no ID given');
  const lib = await Library.open(values.library);
  const removed = lib.remove(positionals);
  await lib.save(values.library);
  process.stdout.write(`${JSON.stringify({ removed })}\n`);
  lib.close();
  return 0;
}

export async function tag({ values, positionals }) {
  required(values, 'library', 'model');
  if (!positionals.length) throw new UsageError('no LABEL given');
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto' });
  const lib = await Library.open(values.library, model);
  const tags = await lib.tag(positionals, { threshold: values.threshold ? Number(values.threshold) : 0.5, apply: Boolean(values.apply) });
  if (values.apply) await lib.save(values.library);
  process.stdout.write(`${JSON.stringify(tags.map((t) => ({ id: t.id, tags: t.tags.map(({ label, score }) => ({ label, score })) })))}\n`);
  lib.close();
  await model.close();
  return 0;
}

export async function dupes({ values }) {
  required(values, 'library');
  const lib = await Library.open(values.library);
  process.stdout.write(`${JSON.stringify(lib.dupes({ threshold: values.threshold ? Number(values.threshold) : 0.95 }))}\n`);
  lib.close();
  return 0;
}
