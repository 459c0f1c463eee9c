// The clipfind demo: private photo search in the page. The model runs in a Web Worker; the library
// (index + metadata) lives in the page and in the Origin Private File System. Captions and file names
// are only ever rendered as text.
import { Library, Model, parseQuery } from '../index.js';

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
async function photoUrl(id) {
  if (thumbs.has(id)) return thumbs.get(id);
  const dir = await photosDir();
  if (!dir) return '';
  try {
    const file = await (await dir.getFileHandle(await photoKey(id))).getFile();
    const url = URL.createObjectURL(file);
    thumbs.set(id, url);
    return url;
  } catch {
    return '';
  }
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
    for (const m of catalog.models) add(`catalog:${m.id}`, `${m.name} — download ~${m.sizeMB.q8.text + m.sizeMB.q8.vision} MB`);
    sel.dataset.catalog = JSON.stringify(catalog.models);
  } catch {
    // offline and not cached yet: the built-in model still works
  }
  add('folder', 'A model folder on this device…');
}

async function useModel(source, label, dtype = 'fp32') {
  status(`Loading ${label}…`);
  const bar = $('model-progress');
  const t0 = performance.now();
  const next = await Model.load(source, {
    backend: backendParam,
    dtype,
    onProgress: ({ loaded, total }) => {
      if (!total || total < 2e6) return;
      bar.hidden = false;
      bar.value = loaded / total;
    },
  });
  await next.embedTexts(['warm up']); // loads the text tower now; the vision tower loads on first import
  bar.hidden = true;
  if (model) await model.close();
  model = next;
  const { backend, threads } = model.info;
  $('backend').textContent = backend === 'webgpu' ? 'WebGPU' : `WASM${threads > 1 ? ` (${threads} threads)` : ''}`;
  $('backend').dataset.backend = backend;
  await openLibrary();
  status(`${model.info.name} ready on ${$('backend').textContent} in ${((performance.now() - t0) / 1000).toFixed(1)} s. ${library.size} photos indexed.`);
  refreshLibraryUi();
  runSearch();
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

// ---------- import ----------
function parseCsv(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*"?([^",]+)"?\s*,\s*"?(.*?)"?\s*$/.exec(line);
    if (m && m[1] !== 'file') out[m[1]] = m[2].replace(/""/g, '"');
  }
  return out;
}

async function importFiles(files) {
  if (!model || !library) return;
  const failures = [];
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
  abort = new AbortController();
  $('progress-bar').hidden = false;
  const t0 = performance.now();
  let summary;
  try {
    summary = await library.add(items, { signal: abort.signal, batchSize: 8, onProgress: showProgress });
  } catch (err) {
    if (err.code !== 'ABORTED') throw err;
    summary = { added: 0, updated: 0, skipped: 0, failed: [], cancelled: true };
  }
  for (const f of summary.failed) failures.push({ id: f.id, error: `${f.error.code ?? ''} ${f.error.message}`.trim() });
  const failedIds = new Set(failures.map((f) => f.id));
  for (const it of items) if (library.has(it.id) && !failedIds.has(it.id)) await storePhoto(it.id, it.image);
  await library.save(libraryName);
  $('progress-bar').hidden = true;
  showFailures(failures);
  const secs = (performance.now() - t0) / 1000;
  status(`${summary.cancelled ? 'Cancelled. ' : ''}Added ${summary.added + summary.updated}, skipped ${summary.skipped} unchanged, ${failures.length} failed (${secs.toFixed(1)} s). ${library.size} photos indexed.`);
  refreshLibraryUi();
  runSearch();
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
  grid.dataset.query = text; // which query the grid shows (tests wait for it)
  more.replaceChildren(...(await Promise.all(rest.map(card))));
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
$('import-input').addEventListener('change', (e) => importFiles([...e.target.files]).finally(() => { e.target.value = ''; }));
$('folder-input').addEventListener('change', (e) => importFiles([...e.target.files]).finally(() => { e.target.value = ''; }));
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
  if (v === 'folder') return $('model-folder').click();
  if (v === 'tiny') return useModel(new URL('../../models/tiny/', import.meta.url).href, 'the built-in model');
  const m = JSON.parse($('model-select').dataset.catalog ?? '[]').find((x) => `catalog:${x.id}` === v);
  if (m) useModel(m.baseUrl, m.name, 'q8').catch((err) => status(`${m.name}: ${err.message}`));
});
$('open-model').addEventListener('click', () => $('model-folder').click());
$('model-folder').addEventListener('change', (e) => useModel([...e.target.files], 'the model folder').catch((err) => status(`Model folder: ${err.message}`)));

if ('serviceWorker' in navigator && params.get('sw') !== '0') {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {});
}

await loadCatalog();
try {
  await useModel(new URL('../../models/tiny/', import.meta.url).href, 'the built-in model');
} catch (err) {
  status(`Could not load the built-in model: ${err.message}`);
}
window.clipfindReady = true;
