// The model in use: the built-in one, a catalog model (downloaded once, then offline) or a folder the
// user picks; its backend, dtype, download progress, Retry, and the library that belongs to it.
import { Library, Model } from '../index.js';
import { CACHE_NAME } from '../model_source.js';
import { app, libraryChanged, modelLoading } from './app.js';
import { $, el } from './dom.js';
import { enqueue, runImport, waitForImport } from './importer.js';
import { explain, photos } from './messages.js';
import { queryTokenizer, showModelHint } from './model_hint.js';
import { photoKey, storedPhoto } from './photos.js';
import { say, setState, hasModel } from './state.js';
import { audioOptions } from './sounds.js';
import { askVoyageConsent, showRemoteBadge } from './voyage_consent.js';

const params = new URLSearchParams(location.search);
const backendParam = params.get('backend') ?? 'auto';
const CHOICE_KEY = 'clipfind-model-choice';
const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized' };
let catalogModels = [];
let backendFound = { backend: 'wasm', shaderF16: false, note: null };
let loadSeq = 0;
let runExample = () => {};

const catalogModel = (value) => catalogModels.find((m) => `catalog:${m.id}` === value);
const tinyUrl = new URL('../../models/tiny/', import.meta.url).href;

/** `onExample(text)`: what an example-query button does. */
export function setExampleHandler(fn) { runExample = fn; }

export async function loadCatalog() {
  const sel = $('model-select');
  const add = (value, label) => sel.append(el('option', { value, textContent: label }));
  add('tiny', 'Tiny CLIP (built in, no download)');
  try {
    const catalog = await (await fetch(new URL('../../models/catalog.json', import.meta.url))).json();
    catalogModels = catalog.models;
    for (const m of catalog.models) add(`catalog:${m.id}`, m.name);
  } catch {
    // offline and not cached yet: the built-in model still works
  }
  add('folder', 'A model folder on this device…');
  add('voyage', 'Voyage multimodal-3 — remote: sends photos to Voyage AI…');
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
  setState('loading', `Loading ${label}…`);
  const t0 = performance.now();
  let next;
  try {
    next = await Model.load(source, { backend: backendParam, dtype, onProgress: showModelProgress });
    await next.embedTexts(['warm up']); // loads the text tower now; the vision tower loads on first import
    if (warmVision) await next.embedImages([new ImageData(32, 32)]);
  } catch (err) {
    await next?.close().catch(() => {});
    hideModelProgress();
    if (seq === loadSeq) {
      modelLoading(false);
      if (app.model) setState('ready');
    }
    throw err;
  }
  hideModelProgress();
  if (seq !== loadSeq) return next.close(); // a newer choice replaced this one
  await waitForImport(); // never swap the library under a running import
  const previous = app.model && app.library ? { name: app.model.info.name, items: [...app.library.items()] } : null;
  if (app.model) await app.model.close();
  app.model = next;
  app.tokenizer?.close();
  app.tokenizer = await queryTokenizer(source);
  if (choice) {
    app.currentChoice = choice.value;
    try {
      localStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
    } catch {
      // storage disabled: the choice is not remembered
    }
  }
  $('model-select').value = app.currentChoice;
  $('backend').textContent = backendLabel(app.model.info);
  $('backend').dataset.backend = app.model.info.backend;
  showRemoteBadge(app.model.info);
  showModelHint(source === tinyUrl, runExample);
  const problem = await openLibrary();
  hasModel(true);
  setState('ready', `${problem}${app.model.info.name} (${app.model.info.dtype}) ready on ${$('backend').textContent} in ${((performance.now() - t0) / 1000).toFixed(1)} s. ${app.library.size} photos indexed.`);
  libraryChanged('model');
  offerSwitch(previous);
  modelLoading(false);
}

// Opens the model's own library; a damaged one is replaced by an empty one (and the page says so).
async function openLibrary() {
  app.library?.close();
  app.libraryName = `library-${(await photoKey(app.model.info.id)).slice(0, 12)}.clipfind`;
  try {
    app.library = await Library.open(app.libraryName, app.model, await audioOptions());
    return '';
  } catch (err) {
    app.library = await Library.create(app.model, await audioOptions());
    return err.code === 'NOT_FOUND' ? '' : `The saved library could not be opened (${explain(err).text}); starting a new one. `;
  }
}

function backendLabel({ backend, backendNote, threads, remote }) {
  if (backend === 'remote') return `Remote (${new URL(remote.origin).host})`;
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
    $('model-select').value = app.currentChoice;
    // Download messages are already plain words (which file, how far, what to do); the code goes below.
    say(`${m.name}: ${err.message}`, err.code ? `${err.code}` : undefined);
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

const useTiny = () => useModel(tinyUrl, 'the built-in model', { choice: { value: 'tiny' } });

// ---------- switching models: a library belongs to one model ----------
function offerSwitch(previous) {
  const box = $('switch-prompt');
  const missing = previous ? previous.items.filter((it) => !app.library.has(it.id)) : [];
  box.hidden = missing.length === 0;
  if (!missing.length) return;
  const target = app.model.info.name;
  $('switch-text').textContent = `${missing.length} photo(s) are indexed with ${previous.name}, not with ${target}: each model has its own library.`;
  $('switch-reindex').onclick = () => {
    box.hidden = true;
    enqueue(missing.length, async () => {
      const failures = [];
      const items = [];
      for (const it of missing) {
        const image = await storedPhoto(it.id);
        if (image && it.kind === 'audio') items.push({ id: it.id, audio: image, meta: { tags: it.tags, addedAt: it.addedAt } });
        else if (image) items.push({ id: it.id, image, caption: it.caption ?? undefined, meta: { tags: it.tags, addedAt: it.addedAt } });
        else failures.push({ id: it.id, error: 'the original photo is not kept on this device' });
      }
      await runImport(items, failures, { storePhotos: false, verb: `Re-indexed with ${target}:` });
    });
  };
  $('switch-keep').onclick = () => {
    box.hidden = true;
    say(`Keeping a separate library for ${target} (${photos(app.library.size)}); the ${previous.name} library stays as it was.`);
  };
}

/** The model picker's controls. */
export function wireModelPicker() {
  $('model-select').addEventListener('change', async (e) => {
    const v = e.target.value;
    if (v === 'folder') {
      $('model-select').value = app.currentChoice;
      return $('model-folder').click();
    }
    if (v === 'tiny') return useTiny().catch((err) => failed('The built-in model could not load', err));
    if (v === 'voyage') return useVoyage();
    const m = catalogModel(v);
    if (m) useCatalogModel(m);
  });
  $('dtype-select').addEventListener('change', () => {
    refreshCatalogLabels();
    const m = catalogModel(app.currentChoice);
    if (m) useCatalogModel(m);
  });
  $('open-model').addEventListener('click', () => $('model-folder').click());
  $('model-folder').addEventListener('change', (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    useModel(files, 'the model folder', { choice: { value: 'folder' } }).catch((err) => failed('The model folder could not be used', err));
  });
}

// Only after the person agrees in the consent dialog; the choice is not remembered across reloads
// (a reload starts on the device again).
async function useVoyage() {
  $('model-select').value = app.currentChoice;
  const consent = await askVoyageConsent();
  if (!consent) return say('Nothing was sent: the model in use stays on this device.');
  $('model-select').value = 'voyage';
  await useModel({ provider: 'voyage', model: 'voyage-multimodal-3', ...consent }, 'Voyage multimodal-3 (remote)').catch((err) => {
    $('model-select').value = app.currentChoice;
    failed('Voyage multimodal-3 could not be used', err);
  });
  if (app.model?.info.remote) app.currentChoice = 'voyage';
  $('model-select').value = app.currentChoice;
}

function failed(what, err) {
  const { text, details } = explain(err);
  say(`${what}: ${text}.`, details);
}

/** The model chosen last time (a catalog model loads from the cache, offline too), else the built-in one. */
export async function startModel() {
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
    if (problem) say(problem + $('status').textContent);
  } catch (err) {
    failed(`${problem}The built-in model could not load`, err);
  }
}
