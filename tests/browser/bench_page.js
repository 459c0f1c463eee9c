// clipfind vs transformers.js in one page, each in its own dedicated worker, both on ONNX Runtime
// Web's WASM backend with the same ONNX files, dtype, thread count and batch size: images/s (and
// texts/s). clipfind runs its product path: Model.load in a page (the model worker; images decode in
// the preprocess worker while the model runs), and Library.add (hashing, EXIF, a few calls in flight).
import { Library, Model } from '../../web/index.js';
import { ParallelPreprocessor } from '../../web/parallel_preprocessor.js';
import * as tjs from '../../node_modules/@huggingface/transformers/dist/transformers.js';

// The faster of `reps` runs (the machine is shared; the best run is the least disturbed one).
async function best(fn, reps) {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function tjsWorker() {
  const w = new Worker(new URL('./bench_tjs_worker.js', import.meta.url), { type: 'module' });
  let next = 1;
  const pending = new Map();
  w.onmessage = (e) => {
    const p = pending.get(e.data.id);
    pending.delete(e.data.id);
    if (e.data.error) p.reject(new Error(e.data.error));
    else p.resolve(e.data.result);
  };
  w.onerror = (e) => { for (const p of pending.values()) p.reject(new Error(`transformers.js worker: ${e.message}`)); };
  const call = (op, args) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    w.postMessage({ id, op, args });
  });
  return { call, close: () => w.terminate() };
}

window.bench = async ({ modelUrl, imageUrls, texts, dtype, threads, batchSize, reps = 2, library = true }) => {
  modelUrl = new URL(modelUrl, location.href).href;
  const blobs = await Promise.all(imageUrls.map((u) => fetch(u).then((r) => r.blob())));
  const r = { n: blobs.length, t: texts?.length ?? 0, crossOriginIsolated };

  const ours = await Model.load(modelUrl, { backend: 'wasm', dtype, threads, batchSize });
  r.oursThreads = ours.info.threads;
  await ours.embedImages(blobs.slice(0, 2)); // warm-up: session, JIT, the preprocess worker
  r.oursImages = await best(() => ours.embedImages(blobs), reps);
  if (library) {
    const lib = await Library.create(ours);
    await lib.add(blobs.slice(0, 2).map((image, i) => ({ id: `warm/${i}.jpg`, image }))); // its text tower and null texts
    let rep = 0;
    r.oursLibrary = await best(async () => {
      const s = await lib.add(blobs.map((image, i) => ({ id: `run${rep}/${i}.jpg`, image })));
      rep++;
      if (s.added !== blobs.length) throw new Error(`Library.add added ${s.added} of ${blobs.length}`);
    }, 1);
  }
  // The two stages alone: inference (224x224 pixels: nothing to decode or resize) and decoding (the
  // preprocess workers the model uses, on this machine's cores)
  r.oursInfer = await best(() => ours.embedImages(blobs.map(() => new ImageData(224, 224))), 1);
  const pp = await ParallelPreprocessor.fromConfig(await fetch(new URL('preprocessor_config.json', modelUrl)).then((x) => x.text()), { computeThreads: ours.info.threads });
  await pp.preprocess(blobs[0]);
  r.oursDecode = await best(() => Promise.all(blobs.map((b) => pp.preprocess(b))), 1);
  r.decodeWorkers = pp.workers;
  pp.close();
  if (texts) {
    await ours.embedTexts(texts.slice(0, 2));
    r.oursTexts = await best(() => ours.embedTexts(texts), reps);
  }
  await ours.close();

  const theirs = tjsWorker();
  try {
    await theirs.call('load', { modelUrl, dtype, threads, batchSize, blobs, texts });
    await theirs.call('images', { count: 2 });
    r.theirImages = Infinity;
    for (let i = 0; i < reps; i++) r.theirImages = Math.min(r.theirImages, await theirs.call('images', {}));
    if (texts) {
      await theirs.call('texts', {});
      r.theirTexts = Infinity;
      for (let i = 0; i < reps; i++) r.theirTexts = Math.min(r.theirTexts, await theirs.call('texts', {}));
    }
  } finally {
    theirs.close();
  }
  return r;
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
    return pre.fromRGBA(d.data, d.width, d.height);
  };
  const wasmPath = () => pre.fromEncoded(blob);
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
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

// Decode + preprocess alone of a set of photos, one after another on this thread: what each library's
// images/s above spends besides inference (clipfind's runs beside inference, transformers.js's before).
window.benchDecode = async (urls, configUrl) => {
  const { ImagePreprocessor } = await import('../../web/index.js');
  const blobs = await Promise.all(urls.map((u) => fetch(u).then((r) => r.blob())));
  const pre = await ImagePreprocessor.fromConfig(await fetch(configUrl).then((r) => r.text()));
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = new URL('/', location.href).href;
  const processor = await tjs.AutoProcessor.from_pretrained(new URL(configUrl, location.href).pathname.replace(/^\/|\/preprocessor_config\.json$/g, ''));
  const each = async (fn) => {
    await fn(blobs[0]);
    const t0 = performance.now();
    for (const b of blobs) await fn(b);
    return (performance.now() - t0) / blobs.length;
  };
  return { ours: await each((b) => pre.fromEncoded(b)), theirs: await each(async (b) => processor(await tjs.RawImage.fromBlob(b))) };
};
