// Runs a test model in the page (through the worker) and hands the numbers back to the test.
import { Model } from '../../web/index.js';

window.runModel = async (family, backend, texts, imageUrls) => {
  const events = [];
  const model = await Model.load(`/tests/fixtures/models/${family}/`, { backend, onProgress: (e) => events.push(e.file) });
  const t = await model.embedTexts(texts);
  const textLocation = model.lastOutputLocation;
  const images = await Promise.all(imageUrls.map((u) => fetch(u).then((r) => r.blob())));
  const e = await model.embedImages(images);
  const result = { info: model.info, textLocation, imageLocation: model.lastOutputLocation, texts: Array.from(t), images: Array.from(e), progressFiles: [...new Set(events)] };
  await model.close();
  return result;
};
window.ready = true;
