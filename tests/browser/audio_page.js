// Runs the CLAP test model in the page (through the worker; the page decodes with decodeAudioData) and
// hands the numbers back to tests/js/audio_browser.test.mjs.
import { Model } from '../../web/index.js';

window.runAudio = async (urls, texts) => {
  const model = await Model.load('/tests/fixtures/models/clap/', { backend: 'wasm' });
  const blobs = await Promise.all(urls.map((u) => fetch(u).then((r) => r.blob())));
  const audio = await model.embedAudio(blobs, { names: urls });
  const t = await model.embedTexts(texts);
  let error = null;
  try {
    await model.embedAudio([new Blob([new Uint8Array(3000).fill(7)])], { names: ['garbage.mp3'] });
  } catch (err) {
    error = { name: err.name, code: err.code, message: err.message };
  }
  const result = { info: model.info, audio: Array.from(audio), texts: Array.from(t), error };
  await model.close();
  return result;
};
window.ready = true;
