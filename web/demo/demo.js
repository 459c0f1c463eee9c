// The clipfind demo: private photo search in the page. The model runs in a Web Worker; the library
// (index + metadata) lives in the page and in the Origin Private File System. Captions and file names
// are only ever rendered as text.
import { Library, Model, parseQuery } from '../index.js';
import { CACHE_NAME } from '../model_source.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
const params = new URLSearchParams(location.search);
const backendParam = params.get('backend') ?? 'auto';
const IMAGE_RE = /\.(jpe?g|png|gif|bmp|webp|heic|heif|avif|tiff?)$/i;
const SIDE_RE = /(^|\/)captions\.(json|csv)$/i;

let model = null;
let library = null;
let libraryName = null;
let abort = null;
let searchSeq = 0;
let currentChoice = 'tiny'; // model-select value of the model in use

// ---------- storage of original photos (for thumbnails after a reload) ----------
async function photosDir() {
  const root = await navigator.storage?.getDirectory?.().catch(() => null);
  return root ? root.getDirectoryHandle('photos', { create: true }) : null;
}
const photoKey = async (id) => {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id));
  return Array.from(new Uint8Array(d).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
};
const thumbs = new Map(); // id -> object URL (this session)
async function storePhoto(id, blob) {
  thumbs.set(id, URL.createObjectURL(blob));
  const dir = await photosDir();
  if (!dir) return;
  const w = await (await dir.getFileHandle(await photoKey(id), { create: true })).createWritable();
  await w.write(blob);
  await w.close();
}
/** The original photo kept on this device for `id`, or null. */
async function storedPhoto(id) {
  const dir = await photosDir();
  if (!dir) return null;
  try {
    return await (await dir.getFileHandle(await photoKey(id))).getFile();
  } catch {
    return null;
  }
}
async function photoUrl(id) {
  if (thumbs.has(id)) return thumbs.get(id);
  const file = await storedPhoto(id);
  if (!file) return '';
  const url = URL.createObjectURL(file);
  thumbs.set(id, url);
  return url;
}

// ---------- model ----------
async function loadCatalog() {
  const sel = $('model-select');
  const add = (value, label) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    sel.append(o);
  };
  add('tiny', 'Tiny CLIP (built in, no download)');
  try {
    const catalog = await (await fetch(new URL('../../models/catalog.json', import.meta.url))).json();
    catalogModels = catalog.models;
    for (const m of catalog.models) add(`catalog:${m.id}`, m.name);
  } catch {
    // offline and not cached yet: the built-in model still works
  }
  add('folder', 'A model folder on this device…');
  await detectBackendForPicker();
}

/**
 * Loads a model, warms it up (and, for downloads, fetches the vision tower too, so that it works
 * offline and a failed download shows now, not at the first import), then opens its library.
 */
async function useModel(source, label, { dtype = 'fp32', warmVision = false, choice = null } = {}) {
  const seq = ++loadSeq;
  modelLoading(true);
  hideRetry();
  status(`Loading ${label}…`);
  const t0 = performance.now();
  let next;
  try {
    next = await Model.load(source, { backend: backendParam, dtype, onProgress: showModelProgress });
    await next.embedTexts(['warm up']); // loads the text tower now; the vision tower loads on first import
    if (warmVision) await next.embedImages([new ImageData(32, 32)]);
  } catch (err) {
    await next?.close().catch(() => {});
    hideModelProgress();
    if (seq === loadSeq) modelLoading(false);
    throw err;
  }
  hideModelProgress();
  if (seq !== loadSeq) return next.close(); // a newer choice replaced this one
  await currentImport; // never swap the library under a running import
  const previous = model && library ? { name: model.info.name, items: [...library.items()] } : null;
  if (model) await model.close();
  model = next;
  if (choice) {
    currentChoice = choice.value;
    try {
      localStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
    } catch {
      // storage disabled: the choice is not remembered
    }
  }
  $('model-select').value = currentChoice;
  $('backend').textContent = backendLabel(model.info);
  $('backend').dataset.backend = model.info.backend;
  await openLibrary();
  status(`${model.info.name} (${model.info.dtype}) ready on ${$('backend').textContent} in ${((performance.now() - t0) / 1000).toFixed(1)} s. ${library.size} photos indexed.`);
  refreshLibraryUi();
  runSearch();
  offerSwitch(previous);
  modelLoading(false);
}

async function openLibrary() {
  library?.close();
  libraryName = `library-${(await photoKey(model.info.id)).slice(0, 12)}.clipfind`;
  try {
    library = await Library.open(libraryName, model);
  } catch (err) {
    if (err.code !== 'NOT_FOUND') status(`Could not open the saved library (${err.message}); starting a new one.`);
    library = await Library.create(model);
  }
}

// ---------- model choice: backend, dtype, catalog downloads ----------
const CHOICE_KEY = 'clipfind-model-choice';
const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized' };
let catalogModels = [];
let backendFound = { backend: 'wasm', shaderF16: false, note: null };
let loadSeq = 0;
let ready = null; // { promise, resolve } while a model is loading; imports wait on it

const catalogModel = (value) => catalogModels.find((m) => `catalog:${m.id}` === value);

function modelLoading(on) {
  if (on && !ready) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    ready = { promise, resolve };
  } else if (!on && ready && model) {
    ready.resolve();
    ready = null;
  }
}
const modelReady = () => ready?.promise;

function backendLabel({ backend, backendNote, threads }) {
  if (backend === 'webgpu') return 'WebGPU';
  if (backendNote) return `WASM (${backendNote})${threads > 1 ? ` · ${threads} threads` : ''}`;
  return `WASM${threads > 1 ? ` (${threads} threads)` : ''}`;
}

// What 'auto' picks here (software WebGPU adapters are skipped), so the picker can default each
// catalog model to the dtype that indexes fastest on it: q8 on WASM, fp16 on WebGPU with shader-f16.
async function detectBackendForPicker() {
  backendFound = await Model.detectBackend(backendParam).catch(() => backendFound);
  $('dtype-select').options[0].textContent = `auto: ${fastestDtype()}`;
  refreshCatalogLabels();
}

function fastestDtype() {
  if (backendFound.backend === 'webgpu') return backendFound.shaderF16 ? 'fp16' : 'fp32';
  return 'q8';
}

function dtypeReason() {
  if (backendFound.backend === 'webgpu') return backendFound.shaderF16 ? 'fp16 indexes fastest on WebGPU with shader-f16' : 'fp32: this WebGPU adapter lacks shader-f16';
  return `q8 indexes fastest on WASM${backendFound.note ? ` (${backendFound.note})` : ''}`;
}

const chosenDtype = () => ($('dtype-select').value === 'auto' ? fastestDtype() : $('dtype-select').value);

const sizeMB = (m, dtype) => {
  const s = m.sizeMB[dtype] ?? m.sizeMB.fp32;
  return { text: s.text, vision: s.vision, total: s.text + s.vision };
};

function refreshCatalogLabels() {
  const dtype = chosenDtype();
  for (const o of $('model-select').options) {
    const m = catalogModel(o.value);
    if (m) o.textContent = `${m.name} — ${dtype}, download ~${sizeMB(m, dtype).total} MB`;
  }
  const hosts = [...new Set(catalogModels.map((m) => new URL(m.baseUrl).host))].join(', ');
  $('dtype-hint').textContent = `Catalog models use ${dtype} weights (${$('dtype-select').value === 'auto' ? dtypeReason() : 'chosen'}); `
    + `they download once${hosts ? ` from ${hosts}` : ''} and then work offline. Nothing about your photos is sent.`;
}

async function useCatalogModel(m, { anyway = false } = {}) {
  const dtype = chosenDtype();
  try {
    if (!anyway) await checkStorage(m, dtype);
    await useModel(m.baseUrl, m.name, { dtype, warmVision: true, choice: { value: `catalog:${m.id}`, dtype: $('dtype-select').value } });
  } catch (err) {
    $('model-select').value = currentChoice;
    status(`${m.name}: ${err.message}`);
    if (err.code === 'QUOTA') showRetry('Download anyway (not kept for offline use)', () => useCatalogModel(m, { anyway: true }));
    else showRetry('Retry', () => useCatalogModel(m));
  }
}

// Before a large download: is there room to keep the model on this device (Cache API)?
async function checkStorage(m, dtype) {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (!estimate?.quota) return;
  const cache = await caches.open(CACHE_NAME).catch(() => null);
  const size = sizeMB(m, dtype);
  let needMB = 0;
  for (const tower of ['text', 'vision']) {
    const url = new URL(`onnx/${tower}_model${DTYPE_SUFFIX[dtype] ?? ''}.onnx`, m.baseUrl).href;
    if (!(await cache?.match(url))) needMB += size[tower];
  }
  const freeMB = Math.floor((estimate.quota - (estimate.usage ?? 0)) / 1e6);
  if (needMB === 0 || needMB * 1.1 <= freeMB) return;
  const err = new Error(`needs about ${needMB} MB to be kept on this device, but the browser lets this page store only ${freeMB} MB more `
    + `(quota ${Math.floor(estimate.quota / 1e6)} MB, ${Math.ceil((estimate.usage ?? 0) / 1e6)} MB used). Free some disk space or site data, `
    + 'pick a smaller model or dtype, or download anyway (it will then not work offline).');
  err.code = 'QUOTA';
  throw err;
}

function showModelProgress({ file, loaded, total, cached }) {
  if (cached) return;
  if (total && loaded >= total) return hideModelProgress(); // this file is done
  const bar = $('model-progress');
  bar.hidden = false;
  $('model-progress-text').hidden = false;
  bar.value = total ? loaded / total : 0;
  Object.assign(bar.dataset, { file, loaded: String(loaded), total: String(total) });
  const kb = (n) => `${Math.round(n / 1024)} KB`;
  $('model-progress-text').textContent = `Downloading ${file}: ${kb(loaded)}${total ? ` of ${kb(total)}` : ''}`;
}

function hideModelProgress() {
  $('model-progress').hidden = true;
  $('model-progress-text').hidden = true;
}

function showRetry(label, action) {
  const b = $('model-retry');
  b.textContent = label;
  b.hidden = false;
  b.onclick = () => {
    b.hidden = true;
    action();
  };
}

const hideRetry = () => { $('model-retry').hidden = true; };

function savedChoice() {
  try {
    return JSON.parse(localStorage.getItem(CHOICE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

const useTiny = () => useModel(new URL('../../models/tiny/', import.meta.url).href, 'the built-in model', { choice: { value: 'tiny' } });

// ---------- switching models: a library belongs to one model ----------
function offerSwitch(previous) {
  const box = $('switch-prompt');
  const missing = previous ? previous.items.filter((it) => !library.has(it.id)) : [];
  box.hidden = missing.length === 0;
  if (!missing.length) return;
  const target = model.info.name;
  $('switch-text').textContent = `${missing.length} photo(s) are indexed with ${previous.name}, not with ${target}: each model has its own library.`;
  $('switch-reindex').onclick = () => {
    box.hidden = true;
    enqueue(missing.length, async () => {
      const failures = [];
      const items = [];
      for (const it of missing) {
        const image = await storedPhoto(it.id);
        if (image) items.push({ id: it.id, image, caption: it.caption ?? undefined, meta: { tags: it.tags } });
        else failures.push({ id: it.id, error: 'the original photo is not kept on this device' });
      }
      await runImport(items, failures, { storePhotos: false, verb: `Re-indexed with ${target}:` });
    });
  };
  $('switch-keep').onclick = () => {
    box.hidden = true;
    status(`Keeping a separate library for ${target} (${library.size} photos); the ${previous.name} library stays as it was.`);
  };
}

// ---------- import ----------
function parseCsv(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*"?([^",]+)"?\s*,\s*"?(.*?)"?\s*$/.exec(line);
    if (m && m[1] !== 'file') out[m[1]] = m[2].replace(/""/g, '"');
  }
  return out;
}

/** Files (with relative paths) to library items; a captions.json/.csv sidecar gives captions. */
async function collectItems(files, failures) {
  const captions = {};
  const entries = files.map((f) => ({ file: f, path: f.relativePath || f.webkitRelativePath || f.name }));
  for (const { file, path } of entries.filter((e) => SIDE_RE.test(e.path))) {
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    try {
      const text = await file.text();
      const map = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseCsv(text);
      for (const [k, v] of Object.entries(map)) captions[dir + k] = String(v);
    } catch (err) {
      failures.push({ id: path, error: `captions file unreadable: ${err.message}` });
    }
  }
  const items = [];
  for (const { file, path } of entries) {
    if (SIDE_RE.test(path)) continue;
    if (!IMAGE_RE.test(path) && !(file.type || '').startsWith('image/')) {
      failures.push({ id: path, error: 'not an image file' });
      continue;
    }
    items.push({ id: path, image: file, caption: captions[path] });
  }
  return items;
}

/** Imports files: queued behind a running import and behind a model that is still loading. */
function importFiles(files) {
  const photos = files.filter((f) => !SIDE_RE.test(f.relativePath || f.webkitRelativePath || f.name)).length;
  return enqueue(photos, async () => {
    const failures = [];
    await runImport(await collectItems(files, failures), failures);
  });
}

// ---------- import queue and checkpoints: no lost work ----------
// A long import saves the library every CHECKPOINT_MS or CHECKPOINT_ITEMS new photos, so closing the
// tab (or a crash) loses at most the photos since the last checkpoint; re-importing skips saved ones.
const CHECKPOINT_MS = 2000;
const CHECKPOINT_ITEMS = 50;
const CHUNK = 16;
let jobs = Promise.resolve();
let jobsIdle = true;
let waiting = 0; // photos picked and not yet being indexed
let currentImport = Promise.resolve(); // the import running now

function enqueue(count, job) {
  waiting += count;
  const why = !model || ready ? 'the model is ready' : 'the running import is done';
  if (ready || !jobsIdle) status(`${waiting} photo(s) will be added when ${why}.`);
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
  }).catch((err) => status(`Import failed: ${err.message}`));
  jobs = run;
  run.then(() => { if (jobs === run) jobsIdle = true; });
  return run;
}

// While an import runs, the controls that would swap the library under it are disabled.
function setImportControls(busy) {
  for (const id of ['model-select', 'dtype-select', 'open-model', 'import-library', 'clear']) $(id).disabled = busy;
}

async function checkpoint(lib, name) {
  await lib.save(name);
  $('progress').dataset.saved = String(lib.size);
}

async function runImport(items, failures, { storePhotos = true, verb = 'Added' } = {}) {
  const lib = library, name = libraryName;
  abort = new AbortController();
  const { signal } = abort;
  $('progress-bar').hidden = false;
  $('progress').dataset.saved = String(lib.size);
  const total = items.length;
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
      // The originals are kept before the checkpoint that lists them (a saved photo always has one).
      const keep = async (replaced, failed = new Set()) => {
        if (!storePhotos) return;
        for (const it of chunk) if (lib.has(it.id) && !failed.has(it.id) && (replaced || !had.has(it.id))) await storePhoto(it.id, it.image);
      };
      let s;
      try {
        s = await lib.add(chunk, { signal, batchSize: 8, onProgress: ({ done }) => at(base + done) });
      } catch (err) {
        if (err.code !== 'ABORTED') throw err;
        // items of the chunk's first batches are in already
        summary.added += chunk.filter((it) => lib.has(it.id) && !had.has(it.id)).length;
        await keep(false);
        summary.cancelled = true;
        break;
      }
      base += chunk.length;
      summary.added += s.added;
      summary.updated += s.updated;
      summary.skipped += s.skipped;
      for (const f of s.failed) failures.push({ id: f.id, error: `${f.error.code ?? ''} ${f.error.message}`.trim() });
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
  }
  showFailures(failures);
  const secs = (performance.now() - t0) / 1000;
  status(`${summary.cancelled ? 'Cancelled. ' : ''}${verb} ${summary.added + summary.updated}, skipped ${summary.skipped} unchanged, ${failures.length} failed (${secs.toFixed(1)} s). ${lib.size} photos indexed.`);
  if (lib === library) {
    refreshLibraryUi();
    runSearch();
  }
}

function showProgress({ done, total, perSecond, eta }) {
  const p = $('progress');
  p.max = Math.max(1, total);
  p.value = done;
  p.dataset.done = String(done);
  p.dataset.total = String(total);
  $('progress-text').textContent = `${done}/${total} · ${perSecond.toFixed(1)} images/s${eta != null ? ` · ${Math.ceil(eta)} s left` : ''}`;
}

function showFailures(failures) {
  const list = $('failures-list');
  list.replaceChildren();
  for (const f of failures) {
    const li = document.createElement('li');
    li.textContent = `${f.id}: ${f.error}`;
    list.append(li);
  }
  $('failures').hidden = failures.length === 0;
  $('failures-summary').textContent = `${failures.length} file(s) could not be added`;
}

async function filesFromDataTransfer(dt) {
  const out = [];
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      file.relativePath = prefix + file.name;
      out.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length) for (const e of entries) await walk(e, '');
  else out.push(...dt.files);
  return out;
}

async function filesFromHandle(dir, prefix = '') {
  const out = [];
  for await (const [name, h] of dir.entries()) {
    if (h.kind === 'file') {
      const f = await h.getFile();
      f.relativePath = `${prefix}${dir.name}/${name}`;
      out.push(f);
    } else out.push(...(await filesFromHandle(h, `${prefix}${dir.name}/`)));
  }
  return out;
}

async function importSample() {
  const base = new URL('../../models/tiny/gallery/', import.meta.url);
  const manifest = await (await fetch(new URL('manifest.json', base))).json();
  const files = [new File([await (await fetch(new URL(manifest.captions, base))).blob()], 'captions.json')];
  for (const name of manifest.files) files.push(new File([await (await fetch(new URL(name, base))).blob()], name, { type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
  for (const f of files) f.relativePath = `sample/${f.name}`;
  await importFiles(files);
}

// ---------- search ----------
let queryImage = null;

async function runSearch() {
  if (!library || !model) return;
  const seq = ++searchSeq;
  const text = $('search').value.trim();
  const grid = $('results'), more = $('more-results');
  if (!text && !queryImage) {
    grid.replaceChildren();
    more.replaceChildren();
    $('show-more').hidden = true;
    return;
  }
  const terms = queryImage ? [{ kind: 'image', value: queryImage, weight: 1 }] : [];
  if (queryImage?.id) terms.splice(0, 1, { kind: 'id', value: queryImage.id, weight: 1 });
  try {
    if (text) terms.push(...parseQuery(text));
  } catch (err) {
    status(err.message);
    return;
  }
  const filter = {};
  if ($('folder-filter').value) filter.folder = $('folder-filter').value;
  if ($('date-from').value) filter.from = $('date-from').value;
  if ($('date-to').value) filter.to = `${$('date-to').value}T23:59:59`;
  const t0 = performance.now();
  const { results, total } = await library.search(terms, { k: 60, filter });
  if (seq !== searchSeq) return; // a newer query is on its way
  const relevant = results.filter((r) => r.relevant), rest = results.filter((r) => !r.relevant);
  grid.replaceChildren(...(await Promise.all(relevant.map(card))));
  more.replaceChildren(...(await Promise.all(rest.map(card))));
  grid.dataset.query = text; // which query both grids show (tests wait for it)
  more.hidden = true;
  $('show-more').hidden = rest.length === 0;
  $('show-more').textContent = `Show ${rest.length} less relevant result(s)`;
  status(`${relevant.length} relevant of ${total} photos (${(performance.now() - t0).toFixed(0)} ms).${relevant.length === 0 && rest.length ? ' Nothing passed the relevance cutoff; see "show more".' : ''}`);
}

async function card(r) {
  const div = document.createElement('div');
  div.className = `result${r.relevant ? '' : ' irrelevant'}`;
  div.dataset.testid = 'result';
  div.setAttribute('data-testid', 'result');
  div.dataset.id = r.id;
  div.title = 'More like this';
  const img = document.createElement('img');
  img.alt = r.id;
  img.src = await photoUrl(r.id);
  const name = document.createElement('div');
  name.textContent = r.id;
  const score = document.createElement('div');
  score.className = 'score';
  score.textContent = `score ${r.score.toFixed(3)} (image ${r.imageScore.toFixed(3)}${r.captionScore === null ? '' : `, caption ${r.captionScore.toFixed(3)}`})`;
  div.append(img, name, score);
  if (r.meta?.caption) {
    const cap = document.createElement('div');
    cap.className = 'caption';
    cap.textContent = r.meta.caption;
    div.append(cap);
  }
  div.addEventListener('click', () => {
    queryImage = { id: r.id };
    $('search').value = '';
    status(`More like ${r.id}`);
    runSearch();
  });
  return div;
}

function refreshLibraryUi() {
  const sel = $('folder-filter');
  const current = sel.value;
  const folders = new Set();
  for (const it of library.items()) if (it.folder) folders.add(it.folder);
  sel.replaceChildren(...['', ...[...folders].sort()].map((f) => {
    const o = document.createElement('option');
    o.value = f;
    o.textContent = f || 'all';
    return o;
  }));
  sel.value = folders.has(current) ? current : '';
  $('library-size').textContent = `${library.size} photos`;
}

// ---------- wiring ----------
let debounce = 0;
$('search').addEventListener('input', () => {
  queryImage = null;
  clearTimeout(debounce);
  debounce = setTimeout(runSearch, 250);
});
for (const id of ['folder-filter', 'date-from', 'date-to']) $(id).addEventListener('change', runSearch);
$('show-more').addEventListener('click', () => {
  $('more-results').hidden = false;
  $('show-more').hidden = true;
});
for (const id of ['import-input', 'folder-input']) {
  $(id).addEventListener('change', (e) => {
    const files = [...e.target.files];
    e.target.value = ''; // the same files can be picked again
    importFiles(files);
  });
}
if (window.showDirectoryPicker) {
  $('pick-folder').hidden = false;
  $('pick-folder').addEventListener('click', async () => importFiles(await filesFromHandle(await window.showDirectoryPicker())));
}
$('sample').addEventListener('click', () => importSample().catch((err) => status(`Sample gallery: ${err.message}`)));
$('cancel').addEventListener('click', () => abort?.abort());
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const files = await filesFromDataTransfer(e.dataTransfer);
  if (e.target === $('search') && files.length === 1 && files[0].type.startsWith('image/')) {
    queryImage = files[0];
    runSearch();
  } else {
    importFiles(files);
  }
});
document.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
  if (file) {
    queryImage = file;
    $('search').value = '';
    runSearch();
  }
});
$('export').addEventListener('click', () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([library.toBytes()], { type: 'application/octet-stream' }));
  a.download = 'photos.clipfind';
  a.click();
});
$('import-library').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  try {
    const imported = await Library.fromBytes(new Uint8Array(await file.arrayBuffer()), model);
    library.close();
    library = imported;
    await library.save(libraryName);
    refreshLibraryUi();
    status(`Imported ${library.size} photos (thumbnails appear for photos added on this device).`);
  } catch (err) {
    status(`Import failed: ${err.message}`);
  }
});
$('clear').addEventListener('click', async () => {
  if (!confirm('Remove every photo from this library?')) return;
  library.close();
  library = await Library.create(model);
  await library.save(libraryName);
  const root = await navigator.storage?.getDirectory?.().catch(() => null);
  await root?.removeEntry('photos', { recursive: true }).catch(() => {});
  refreshLibraryUi();
  runSearch();
  status('Library cleared.');
});
$('model-select').addEventListener('change', async (e) => {
  const v = e.target.value;
  if (v === 'folder') {
    $('model-select').value = currentChoice;
    return $('model-folder').click();
  }
  if (v === 'tiny') return useTiny().catch((err) => status(`Built-in model: ${err.message}`));
  const m = catalogModel(v);
  if (m) useCatalogModel(m);
});
$('dtype-select').addEventListener('change', () => {
  refreshCatalogLabels();
  const m = catalogModel(currentChoice);
  if (m) useCatalogModel(m);
});
$('open-model').addEventListener('click', () => $('model-folder').click());
$('model-folder').addEventListener('change', (e) => useModel([...e.target.files], 'the model folder', { choice: { value: 'folder' } }).catch((err) => status(`Model folder: ${err.message}`)));

if ('serviceWorker' in navigator && params.get('sw') !== '0') {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {});
}

modelLoading(true); // photos picked before the first model is ready wait for it
await loadCatalog();
await startModel();
window.clipfindReady = true;

// The model chosen last time (a catalog model loads from the cache, offline too), else the built-in one.
async function startModel() {
  const saved = savedChoice();
  if (saved?.dtype && [...$('dtype-select').options].some((o) => o.value === saved.dtype)) {
    $('dtype-select').value = saved.dtype;
    refreshCatalogLabels();
  }
  const m = catalogModel(saved?.value);
  let problem = '';
  if (m) {
    $('model-select').value = saved.value;
    try {
      await useModel(m.baseUrl, m.name, { dtype: chosenDtype(), warmVision: true, choice: saved });
      return;
    } catch (err) {
      problem = `${m.name} could not load (${err.message}); using the built-in model. `;
    }
  }
  try {
    await useTiny();
    if (problem) status(problem + $('status').textContent);
  } catch (err) {
    status(`${problem}Could not load the built-in model: ${err.message}`);
  }
}
