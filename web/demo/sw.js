// Offline: the app shell, the WASM and ORT files and the models in use are cached as they are
// fetched (cache first), so a second visit works with the network off. Same-origin GETs only.
const CACHE = 'clipfind-app-v1';
// The app and the built-in model, cached at install so the first offline visit has everything.
const SHELL = ['./', './index.html', './demo.js', './demo.css', './manifest.webmanifest', '../../package.json',
  './app.js', './cards.js', './dom.js', './importer.js', './library_view.js', './lightbox.js', './messages.js',
  './model_hint.js', './model_picker.js', './photos.js', './search_view.js', './state.js', './video_card.js', './voyage_consent.js', './sounds.js',
  '../index.js', '../env.js', '../errors.js', '../bytes.js', '../wasm.js', '../wasm_handle.js', '../checksum.js', '../byte_source.js', '../flat_index.js',
  '../tokenizer.js', '../image.js', '../image_codecs.js', '../model.js', '../local_model.js', '../worker_model.js', '../worker.js',
  '../ort.js', '../parallel_preprocessor.js', '../preprocess_worker.js', '../model_source.js', '../builtin_models.js', '../scoring.js', '../digest.js', '../library.js', '../library_add.js',
  '../library_search.js', '../pdf_library.js', '../pdf.js', '../library_file.js', '../library_store.js', '../library_pg.js', '../query.js', '../relevance.js',
  '../library_audio.js', '../library_sections.js', '../audio_decode.js', '../audio_features.js',
  '../video.js', '../video_library.js', '../video_search.js', '../video_sample.js', '../video_browser.js',
  '../page_library.js', '../multi_vector_index.js', '../late_interaction_model.js', '../voyage.js', '../voyage_images.js',
  '../av1_decode.js', '../hevc_decode.js', '../ycbcr_to_rgb.js',
  '../wasm/clipfind.mjs', '../wasm/clipfind.wasm',
  '../../models/catalog.json', '../../models/tiny/config.json', '../../models/tiny/preprocessor_config.json',
  '../../models/tiny/tokenizer.json', '../../models/tiny/tokenizer_config.json',
  '../../models/tiny/onnx/text_model.onnx', '../../models/tiny/onnx/vision_model.onnx',
  '../../models/sound/config.json', '../../models/sound/preprocessor_config.json', '../../models/sound/tokenizer.json',
  '../../models/sound/tokenizer_config.json', '../../models/sound/onnx/text_model.onnx', '../../models/sound/onnx/audio_model.onnx'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  e.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(e.request, { ignoreSearch: url.pathname.endsWith('/') || url.pathname.endsWith('.html') });
    if (hit) {
      // refresh in the background when online; serve the cached copy now
      fetch(e.request).then((r) => { if (r.ok) cache.put(e.request, r); }).catch(() => {});
      return hit;
    }
    const response = await fetch(e.request);
    if (response.ok && response.status === 200) cache.put(e.request, response.clone()).catch(() => {});
    return response;
  })());
});
