// Videos added to a Library in the page (decoded by WebCodecs through mediabunny, embedded by the
// built-in model in its Web Worker), then searched; what came back goes to the test.
import { Library, Model } from '../../web/index.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
const blobOf = (b64, type) => new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type });

// videos: [{id, b64, type}]; queries: texts. Returns the add summary, the items and each query's top 3.
window.run = async (videos, queries) => {
  const model = await Model.load('builtin:tiny');
  const lib = await Library.create(model);
  const stages = new Set();
  const summary = await lib.add(videos.map((v) => ({ id: v.id, video: blobOf(v.b64, v.type) })), { onProgress: (p) => p.video && stages.add(p.video.stage) });
  const found = {};
  for (const q of queries) found[q] = (await lib.search(q, { k: 3 })).results.map(({ id, kind, time, frameTime }) => ({ id, kind, time, frameTime }));
  const items = [...lib.items()].map(({ id, kind, frames, codec, duration }) => ({ id, kind, frames, codec, duration }));
  lib.close();
  await model.close();
  return {
    added: summary.added,
    failed: summary.failed.map((f) => ({ id: f.id, name: f.error.name, code: f.error.code, message: f.error.message })),
    items, found, stages: [...stages], violations,
    webcodecs: typeof VideoDecoder !== 'undefined',
  };
};
window.ready = true;
