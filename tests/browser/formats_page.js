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
