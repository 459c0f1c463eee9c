// Both libraries in one page, both on ONNX Runtime Web's WASM backend with one thread, on the same
// ONNX files: images/s and texts/s.
import { Model } from '../../web/index.js';
import * as tjs from '../../node_modules/@huggingface/transformers/dist/transformers.js';

async function time(fn, reps) {
  await fn(); // warm-up: sessions, JIT, caches
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

window.bench = async (modelUrl, imageUrls, texts) => {
  const blobs = await Promise.all(imageUrls.map((u) => fetch(u).then((r) => r.blob())));
  const ours = await Model.load(modelUrl, { backend: 'wasm', threads: 1, worker: false, batchSize: blobs.length });
  const oursImages = await time(() => ours.embedImages(blobs), 2);
  const oursTexts = await time(() => ours.embedTexts(texts), 3);

  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = new URL('/', location.href).href;
  tjs.env.useBrowserCache = false;
  tjs.env.backends.onnx.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', location.href).href;
  tjs.env.backends.onnx.wasm.numThreads = 1;
  const path = new URL(modelUrl, location.href).pathname.replace(/^\/|\/$/g, '');
  const step = async (label, fn) => {
    try {
      return await fn();
    } catch (err) {
      throw new Error(`transformers.js ${label}: ${err.message}`);
    }
  };
  const processor = await step('AutoProcessor', () => tjs.AutoProcessor.from_pretrained(path));
  // from the same files (its from_pretrained did not fetch local tokenizer files in this setup)
  const [tokJson, tokConfig] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map((f) => fetch(new URL(f, new URL(modelUrl, location.href))).then((r) => r.json())));
  const tokenizer = await step('CLIPTokenizer', () => new tjs.CLIPTokenizer(tokJson, tokConfig));
  const vision = await tjs.CLIPVisionModelWithProjection.from_pretrained(path, { device: 'wasm', dtype: 'fp32' });
  const text = await tjs.CLIPTextModelWithProjection.from_pretrained(path, { device: 'wasm', dtype: 'fp32' });
  const theirImages = await time(async () => {
    const images = await Promise.all(blobs.map((b) => tjs.RawImage.fromBlob(b)));
    const inputs = await processor(images);
    return vision(inputs);
  }, 2);
  const theirTexts = await time(async () => text(tokenizer(texts, { padding: true, truncation: true })), 3);
  return { n: blobs.length, t: texts.length, oursImages, oursTexts, theirImages, theirTexts };
};
window.ready = true;

// Decode + preprocess of one big JPEG in the page: clipfind's browser path (createImageBitmap ->
// RGBA -> PIL-exact resize in WASM) and its WASM decoder vs transformers.js's canvas path.
window.benchImage = async (url, configUrl) => {
  const { ImagePreprocessor } = await import('../../web/index.js');
  const blob = await fetch(url).then((r) => r.blob());
  const configText = await fetch(configUrl).then((r) => r.text());
  const pre = await ImagePreprocessor.fromConfig(configText);
  const bitmapPath = async () => {
    const bmp = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height);
    bmp.close();
    return pre.preprocessRGBA(d.data, d.width, d.height);
  };
  const wasmPath = () => pre.preprocessEncoded(blob);
  tjs.env.allowRemoteModels = false;
  tjs.env.localModelPath = new URL('/', location.href).href;
  const dir = new URL(configUrl, location.href).pathname.replace(/^\/|\/preprocessor_config\.json$/g, '');
  const processor = await tjs.AutoProcessor.from_pretrained(dir);
  const theirs = async () => processor(await tjs.RawImage.fromBlob(blob));
  const med = async (fn) => {
    await fn();
    const t = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await fn();
      t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[2];
  };
  return { bitmap: await med(bitmapPath), wasm: await med(wasmPath), transformers: await med(theirs) };
};
