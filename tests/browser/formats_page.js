// WebP/HEIC/AVIF in the page and in the model's worker, under the demo's CSP: decoded pixels and
// image embeddings go back to the test, which compares them with Node's.
import { Model, decodeImage } from '../../web/index.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
const blobOf = (url) => fetch(url).then((r) => r.blob());

window.decodeAll = async (urls) => {
  const out = [];
  for (const u of urls) {
    const { data, width, height } = await decodeImage(await blobOf(u));
    out.push({ width, height, data: Array.from(data) });
  }
  return { out, violations };
};

window.embedAll = async (modelUrl, urls) => {
  const model = await Model.load(modelUrl, { backend: 'wasm' });
  const vectors = [];
  for (const u of urls) vectors.push(Array.from(await model.embedImages([await blobOf(u)])));
  await model.close();
  return { vectors, violations };
};
window.ready = true;

// Decode + preprocess (ImagePreprocessor.preprocessEncoded: the WASM/lazy decoders, as in Node) of each
// URL's file, median of 3 after one call that loads the decoder (tests/bench/image_bench.mjs).
window.benchDecode = async (urls, configText) => {
  const { ImagePreprocessor } = await import('../../web/index.js');
  const pre = await ImagePreprocessor.fromConfig(configText);
  const out = [];
  for (const u of urls) {
    const blob = await blobOf(u);
    await pre.preprocessEncoded(blob);
    const t = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await pre.preprocessEncoded(blob);
      t.push(performance.now() - t0);
    }
    out.push(t.sort((a, b) => a - b)[1]);
  }
  pre.close();
  return out;
};
