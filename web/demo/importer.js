// Adding photos: files (picked, dropped, or the sample gallery) to library items, one import at a
// time from a queue, with progress, Cancel, checkpoints (no lost work) and a plain list of failures.
import { app, isModelLoading, libraryChanged, modelReady } from './app.js';
import { $, el } from './dom.js';
import { explain, photos } from './messages.js';
import { storePhoto } from './photos.js';
import { pageState, say, setState } from './state.js';

const AUDIO_RE = /\.(wav|flac|mp3|ogg|oga|opus|m4a)$/i; // sounds (web/demo/sounds.js): the library's audio model

const IMAGE_RE = /\.(jpe?g|png|gif|bmp|webp|heic|heif|avif|tiff?)$/i;
const VIDEO_RE = /\.(mp4|m4v|mov|webm|mkv)$/i; // the library samples their frames (README "Videos")
const SIDE_RE = /(^|\/)captions\.(json|csv)$/i;
const PDF_RE = /\.pdf$/i; // a PDF: one item per page (its pages' images are kept as their thumbnails)
// A long import saves the library every CHECKPOINT_MS or CHECKPOINT_ITEMS new photos, so closing the
// tab (or a crash) loses at most the photos since the last checkpoint; re-importing skips saved ones.
const CHECKPOINT_MS = 2000;
const CHECKPOINT_ITEMS = 50;
const CHUNK = 16;
let jobs = Promise.resolve();
let jobsIdle = true;
let waiting = 0; // photos picked and not yet being indexed
let currentImport = Promise.resolve(); // the import running now
let abort = null;

/** Resolves when the import running now (if any) is done. */
export const waitForImport = () => currentImport;

function parseCsv(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*"?([^",]+)"?\s*,\s*"?(.*?)"?\s*$/.exec(line);
    if (m && m[1] !== 'file') out[m[1]] = m[2].replace(/""/g, '"');
  }
  return out;
}

const pathOf = (f) => f.relativePath || f.webkitRelativePath || f.name;

/** Files (with relative paths) to library items; a captions.json/.csv sidecar gives captions. */
async function collectItems(files, failures) {
  const captions = {};
  const entries = files.map((f) => ({ file: f, path: pathOf(f) }));
  for (const { file, path } of entries.filter((e) => SIDE_RE.test(e.path))) {
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    try {
      const text = await file.text();
      const map = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseCsv(text);
      for (const [k, v] of Object.entries(map)) captions[dir + k] = String(v);
    } catch (err) {
      failures.push({ id: path, error: 'the captions file could not be read', details: err.message });
    }
  }
  const addedAt = new Date().toISOString();
  const items = [];
  for (const { file, path } of entries) {
    if (SIDE_RE.test(path)) continue;
    if (AUDIO_RE.test(path) || (file.type || '').startsWith('audio/')) {
      items.push({ id: path, audio: file, meta: { addedAt } });
      continue;
    }
    if (PDF_RE.test(path) || file.type === 'application/pdf') {
      items.push({ id: path, pdf: file, meta: { addedAt } });
      continue;
    }
    if (VIDEO_RE.test(path) || (file.type || '').startsWith('video/')) {
      items.push({ id: path, video: file, caption: captions[path], meta: { addedAt } });
      continue;
    }
    if (!IMAGE_RE.test(path) && !(file.type || '').startsWith('image/')) {
      failures.push({ id: path, error: 'not an image file' });
      continue;
    }
    items.push({ id: path, image: file, caption: captions[path], meta: { addedAt } });
  }
  return items;
}

/** Imports files: queued behind a running import and behind a model that is still loading. */
export function importFiles(files) {
  const count = files.filter((f) => !SIDE_RE.test(pathOf(f))).length;
  return enqueue(count, async () => {
    const failures = [];
    await runImport(await collectItems(files, failures), failures);
  });
}

export function enqueue(count, job) {
  waiting += count;
  const why = !app.model || isModelLoading() ? 'the model is ready' : 'the running import is done';
  if (isModelLoading() || !jobsIdle) say(`${waiting} photo(s) will be added when ${why}.`);
  jobsIdle = false;
  const run = jobs.then(() => modelReady()).then(async () => {
    waiting -= count;
    let finish;
    currentImport = new Promise((r) => { finish = r; });
    setImportControls(true);
    try {
      await job();
    } finally {
      setImportControls(false);
      finish();
    }
  }).catch((err) => {
    $('progress-bar').hidden = true;
    const { text, details } = explain(err);
    setState(app.model ? 'ready' : 'loading', `Adding photos stopped: ${text}.`, details);
  });
  jobs = run;
  run.then(() => { if (jobs === run) jobsIdle = true; });
  return run;
}

// While an import runs, the controls that would swap the library under it are disabled.
function setImportControls(busy) {
  for (const id of ['model-select', 'dtype-select', 'open-model', 'import-library-button', 'clear', 'sample', 'sample-sounds']) if ($(id)) $(id).disabled = busy;
}

async function checkpoint(lib, name) {
  await lib.save(name);
  $('progress').dataset.saved = String(lib.size);
}

function startProgress(text) {
  $('failures').hidden = true; // the last import's failures are not this one's
  $('progress-bar').hidden = false;
  $('progress').removeAttribute('value'); // indeterminate until the first count
  $('progress').dataset.done = '0';
  $('progress').dataset.total = '0';
  $('progress-text').textContent = text;
  if (!app.library?.size) $('empty-text').textContent = 'Your photos appear here as soon as they are indexed.';
}

export async function runImport(items, failures, { storePhotos = true, verb = 'Added' } = {}) {
  const lib = app.library, name = app.libraryName;
  abort = new AbortController();
  const { signal } = abort;
  let total = items.length; // grows as PDFs open: each counts as its pages
  if ($('progress-bar').hidden) startProgress('');
  setState('importing', `Adding ${photos(total)} to the library…`);
  $('progress').dataset.saved = String(lib.size);
  const t0 = performance.now();
  const at = (done) => {
    const secs = (performance.now() - t0) / 1000;
    const perSecond = secs > 0 ? done / secs : 0;
    showProgress({ done, total, perSecond, eta: perSecond > 0 ? (total - done) / perSecond : null });
  };
  at(0);
  const summary = { added: 0, updated: 0, skipped: 0, cancelled: false };
  let base = 0, unsaved = 0, lastSave = performance.now();
  try {
    for (let i = 0; i < total; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      const had = new Set(chunk.filter((it) => lib.has(it.id)).map((it) => it.id));
      let chunkTotal = chunk.length;
      // The originals are kept before the checkpoint that lists them (a saved photo always has one).
      // A PDF's pages are kept as the JPEGs the library rendered them to; the PDF itself too (a
      // result opens it at its page).
      const pages = [];
      const onPage = storePhotos ? ({ id, image }) => { pages.push({ id, image }); } : undefined;
      const keep = async (replaced, failed = new Set()) => {
        if (!storePhotos) return;
        for (const p of pages) if (lib.has(p.id)) await storePhoto(p.id, new Blob([p.image], { type: 'image/jpeg' }));
        for (const it of chunk) if (it.pdf && pages.some((p) => lib.get(p.id)?.document === it.id)) await storePhoto(it.id, it.pdf);
        for (const it of chunk) if (lib.has(it.id) && !failed.has(it.id) && (replaced || !had.has(it.id))) await storePhoto(it.id, it.image ?? it.video ?? it.audio);
      };
      let s;
      try {
        s = await lib.add(chunk, {
          signal,
          batchSize: 8,
          pdf: { onPage },
          onProgress: ({ done, total: t }) => {
            total += t - chunkTotal;
            chunkTotal = t;
            at(base + done);
          },
        });
      } catch (err) {
        if (err.code !== 'ABORTED') throw err;
        // items of the chunk's first batches are in already
        summary.added += chunk.filter((it) => lib.has(it.id) && !had.has(it.id)).length;
        await keep(false);
        summary.cancelled = true;
        break;
      }
      base += chunkTotal;
      summary.added += s.added;
      summary.updated += s.updated;
      summary.skipped += s.skipped;
      for (const f of s.failed) {
        const { text, details } = explain(f.error);
        failures.push({ id: f.id, error: text, details });
      }
      await keep(s.updated > 0, new Set(s.failed.map((f) => f.id)));
      unsaved += s.added + s.updated;
      if (unsaved && (unsaved >= CHECKPOINT_ITEMS || performance.now() - lastSave >= CHECKPOINT_MS)) {
        await checkpoint(lib, name);
        unsaved = 0;
        lastSave = performance.now();
      }
    }
  } finally {
    await checkpoint(lib, name); // what was added is kept, also when cancelled or failed
    $('progress-bar').hidden = true;
    abort = null;
  }
  showFailures(failures);
  const secs = (performance.now() - t0) / 1000;
  const added = summary.added + summary.updated;
  const counts = `${verb} ${added}, skipped ${summary.skipped} unchanged, ${failures.length} failed (${secs.toFixed(1)} s)`;
  const left = total - added - summary.skipped - failures.length;
  const message = summary.cancelled
    ? `Cancelled. ${counts}; the other ${left} were not added. ${lib.size} photos indexed.`
    : `${counts}. ${lib.size} photos indexed.`;
  if (lib === app.library) {
    setState('ready', message);
    libraryChanged('import');
  } else if (pageState() === 'importing') {
    setState('ready');
  }
}

function showProgress({ done, total, perSecond, eta }) {
  const p = $('progress');
  p.max = Math.max(1, total);
  p.value = done;
  p.dataset.done = String(done);
  p.dataset.total = String(total);
  $('progress-text').textContent = `Indexing ${done} of ${total} · ${perSecond.toFixed(1)} photos/s${eta != null && done < total ? ` · about ${Math.ceil(eta)} s left` : ''}`;
}

function showFailures(failures) {
  $('failures-list').replaceChildren(...failures.map((f) => el('li', {},
    el('span', { textContent: `${f.id}: ${f.error}` }),
    f.details ? el('span', { className: 'code', textContent: ` (${f.details})` }) : null)));
  $('failures').hidden = failures.length === 0;
  $('failures-summary').textContent = `${failures.length} file(s) could not be added — show which and why`;
}

/** The built-in sample gallery: progress shows at once, while its 200 photos and 2 videos are fetched. */
export function importSample() {
  return enqueue(202, async () => {
    startProgress('Fetching the sample gallery…');
    setState('importing', 'Fetching the sample gallery…');
    const base = new URL('../../models/tiny/gallery/', import.meta.url);
    const manifest = await (await fetch(new URL('manifest.json', base))).json();
    const files = [new File([await (await fetch(new URL(manifest.captions, base))).blob()], 'captions.json')];
    let fetched = 0;
    const names = [...manifest.files, ...(manifest.videos ?? [])];
    const fetchOne = async (name) => {
      const blob = await (await fetch(new URL(name, base))).blob();
      $('progress-text').textContent = `Fetching the sample gallery: ${++fetched} of ${names.length}`;
      return new File([blob], name, { type: name.endsWith('.png') ? 'image/png' : name.endsWith('.webm') ? 'video/webm' : 'image/jpeg' });
    };
    // A few requests at a time: fast, and the order of the gallery is kept.
    const out = new Array(names.length);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < names.length) {
        const i = next++;
        out[i] = await fetchOne(names[i]);
      }
    }));
    files.push(...out);
    for (const f of files) f.relativePath = `sample/${f.name}`;
    const failures = [];
    await runImport(await collectItems(files, failures), failures);
  });
}

export const cancelImport = () => abort?.abort();
