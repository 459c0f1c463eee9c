// The clipfind demo: private photo search in the page. The model runs in a Web Worker; the library
// (index + metadata) lives in the page and in the Origin Private File System. Captions and file names
// are only ever rendered as text. This file wires the modules together:
//   state.js (the page's state machine and messages), model_picker.js (which model), importer.js
//   (adding photos), search_view.js / library_view.js (what the grid shows), cards.js (photos and
//   keyboard), lightbox.js (the preview), photos.js (the originals kept on this device).
import { Library } from '../index.js';
import { audioOptions, wireSampleSounds } from './sounds.js';
import { app, libraryChanged, modelLoading, onLibraryChange } from './app.js';
import { keyboardGrid } from './cards.js';
import { $, pickerButton } from './dom.js';
import { cancelImport, importFiles, importSample } from './importer.js';
import { openPreview, wireLightbox } from './lightbox.js';
import { hideLibrary, showLibrary, wireLibraryView } from './library_view.js';
import { explain, photos } from './messages.js';
import { loadCatalog, setExampleHandler, startModel, wireModelPicker } from './model_picker.js';
import { clearPhotos } from './photos.js';
import { clearImageQuery, clearResults, filterValues, hasQuery, revealLessRelevant, runSearch, setImageQuery, showMore, wireSearchView } from './search_view.js';
import { say, setState } from './state.js';

const params = new URLSearchParams(location.search);
// Filters open on wide screens; a phone shows them on demand.
if (matchMedia('(min-width: 641px)').matches) $('filters').open = true;
const grid = keyboardGrid([$('results'), $('more-results'), $('library')]);

// ---------- what the grid shows: search results for a query, else the whole library ----------
async function refreshView() {
  if (!app.library) return;
  const searching = hasQuery();
  $('sort-label').hidden = searching;
  $('keys-hint').hidden = false;
  if (searching) {
    hideLibrary();
    const ran = await runSearch({ onNothing: (note) => showLibrary(filterValues(), note).then(grid.reset) });
    if (ran) grid.reset();
    $('keys-hint').textContent = 'Arrow keys move between photos · Enter: more like this · Space: preview';
  } else {
    clearResults();
    await showLibrary(filterValues());
    grid.reset();
    $('keys-hint').textContent = 'Arrow keys move between photos · Enter or Space: preview';
  }
  $('keys-hint').hidden = !document.querySelector('li.card');
}

function moreLikeThis(id) {
  $('search').value = '';
  // Focus goes to the first result, so that a keyboard user carries on from there.
  setImageQuery({ id }).then(refreshView).then(() => document.querySelector('#results button.photo, #more-results button.photo')?.focus());
}

function refreshFolders() {
  const sel = $('folder-filter');
  const current = sel.value;
  const folders = new Set();
  for (const it of app.library.items()) if (it.folder) folders.add(it.folder);
  sel.replaceChildren(...['', ...[...folders].sort()].map((f) => {
    const o = document.createElement('option');
    o.value = f;
    o.textContent = f || 'All folders';
    return o;
  }));
  sel.value = folders.has(current) ? current : '';
  $('library-size').textContent = `${app.library.size} photos`;
}

onLibraryChange((why) => {
  if (why === 'clear' || why === 'model') {
    clearImageQuery();
    if (why === 'clear') $('search').value = '';
  }
  refreshFolders();
  refreshView();
});

// ---------- wiring ----------
wireModelPicker();
setExampleHandler((q) => {
  clearImageQuery();
  $('search').value = q;
  refreshView();
});
wireSearchView({ preview: openPreview, more: moreLikeThis });
wireLibraryView(openPreview);
wireLightbox(moreLikeThis);

let debounce = 0;
$('search').addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(refreshView, 250);
});
$('search').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    clearTimeout(debounce);
    refreshView();
  } else if (e.key === 'Backspace' && !$('search').value && !$('query-chip').hidden) {
    clearImageQuery(); // as deleting a tag in a search field
    refreshView();
  }
});
$('query-chip-remove').addEventListener('click', () => {
  clearImageQuery();
  $('search').focus();
  refreshView();
});
for (const id of ['folder-filter', 'date-from', 'date-to', 'sort']) $(id).addEventListener('change', refreshView);
$('show-less-relevant').addEventListener('click', revealLessRelevant);
$('show-more').addEventListener('click', () => showMore().then(grid.reset));

pickerButton('add-photos', 'import-input');
pickerButton('add-folder', 'folder-input');
pickerButton('query-photo', 'query-file');
pickerButton('import-library-button', 'import-library');
for (const id of ['import-input', 'folder-input']) {
  $(id).addEventListener('change', (e) => {
    const files = [...e.target.files];
    e.target.value = ''; // the same files can be picked again
    importFiles(files);
  });
}
$('query-file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (file) setImageQuery(file).then(refreshView);
});
if (window.showDirectoryPicker) {
  $('pick-folder').hidden = false;
  $('add-folder').hidden = true; // the same, with a better picker
  $('pick-folder').addEventListener('click', async () => {
    const dir = await window.showDirectoryPicker().catch(() => null); // null: the picker was closed
    if (dir) importFiles(await filesFromHandle(dir));
  });
}
$('sample').addEventListener('click', () => importSample());
wireSampleSounds();
$('cancel').addEventListener('click', cancelImport);

// Drop files and folders anywhere to add them; drop one photo on the search box to search by it.
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const files = await filesFromDataTransfer(e.dataTransfer);
  if (e.target.closest?.('.search') && files.length === 1 && files[0].type.startsWith('image/')) setImageQuery(files[0]).then(refreshView);
  else importFiles(files);
});
document.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
  if (file) {
    e.preventDefault();
    setImageQuery(file).then(refreshView);
  }
});

$('export').addEventListener('click', () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([app.library.toBytes()], { type: 'application/octet-stream' }));
  a.download = 'photos.clipfind';
  a.click();
});
$('import-library').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  try {
    const imported = await Library.fromBytes(new Uint8Array(await file.arrayBuffer()), app.model);
    app.library.close();
    app.library = imported;
    await app.library.save(app.libraryName);
    setState('ready', `Imported a library of ${photos(app.library.size)} (thumbnails appear for photos added on this device).`);
    libraryChanged('import');
  } catch (err) {
    const { text, details } = explain(err);
    say(`That library could not be imported: ${text}.`, details);
  }
});
$('clear').addEventListener('click', async () => {
  if (!confirm('Remove every photo from this library? The photo files themselves are not touched.')) return;
  app.library.close();
  app.library = await Library.create(app.model, await audioOptions());
  await app.library.save(app.libraryName);
  await clearPhotos();
  setState('cleared', 'Library cleared: no photos. Add photos or index the sample gallery to start again.');
  libraryChanged('clear');
});

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

if ('serviceWorker' in navigator && params.get('sw') !== '0') {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {});
}

// Photos picked before the first model is ready wait for it (app.js's gate).
modelLoading(true);
await loadCatalog();
await startModel();
window.clipfindReady = true;
