// transformers.js for the model bench, in a dedicated worker as clipfind's model runs (and as
// transformers.js recommends for pages): ORT Web's WASM backend with the thread count and dtype given.
// Its usual image path: RawImage.fromBlob (createImageBitmap + canvas), the processor, the model,
// batch after batch.
import * as tjs from '../../node_modules/@huggingface/transformers/dist/transformers.js';

let state = null;

const ops = {
  async load({ modelUrl, dtype, threads, batchSize, blobs, texts }) {
    tjs.env.allowRemoteModels = false;
    tjs.env.allowLocalModels = true;
    tjs.env.localModelPath = new URL('/', modelUrl).href;
    tjs.env.useBrowserCache = false;
    tjs.env.backends.onnx.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', modelUrl).href;
    tjs.env.backends.onnx.wasm.numThreads = threads;
    const path = new URL(modelUrl).pathname.replace(/^\/|\/$/g, '');
    const processor = await tjs.AutoProcessor.from_pretrained(path);
    const vision = await tjs.CLIPVisionModelWithProjection.from_pretrained(path, { device: 'wasm', dtype });
    let text = null;
    let tokenizer = null;
    if (texts) {
      // from the same files (its from_pretrained did not fetch local tokenizer files in this setup)
      const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map((f) => fetch(new URL(f, modelUrl)).then((r) => r.json())));
      tokenizer = new tjs.CLIPTokenizer(json, config);
      text = await tjs.CLIPTextModelWithProjection.from_pretrained(path, { device: 'wasm', dtype });
    }
    state = { processor, vision, text, tokenizer, batchSize, blobs, texts };
    return null;
  },
  async images({ count }) {
    const { processor, vision, batchSize } = state;
    const blobs = state.blobs.slice(0, count ?? state.blobs.length);
    const t0 = performance.now();
    for (let i = 0; i < blobs.length; i += batchSize) {
      const images = await Promise.all(blobs.slice(i, i + batchSize).map((b) => tjs.RawImage.fromBlob(b)));
      const out = await vision(await processor(images));
      if (out.image_embeds.dims[0] !== images.length) throw new Error('wrong batch');
    }
    return performance.now() - t0;
  },
  async texts() {
    const { text, tokenizer, texts } = state;
    const t0 = performance.now();
    await text(tokenizer(texts, { padding: true, truncation: true }));
    return performance.now() - t0;
  },
};

self.onmessage = async (e) => {
  const { id, op, args } = e.data;
  try {
    self.postMessage({ id, result: await ops[op](args) });
  } catch (err) {
    self.postMessage({ id, error: `transformers.js ${op}: ${err.message}` });
  }
};
