// Worker side of ParallelPreprocessor: decodes and preprocesses images (the WASM core, PIL-exact) on
// its own thread, so the next images are ready while ONNX Runtime runs the current ones.
import { ImagePreprocessor } from './image.js';

let pre = null;

self.onmessage = async (e) => {
  const { id, config, input } = e.data;
  try {
    if (config !== undefined) {
      pre = await ImagePreprocessor.fromConfig(config);
      self.postMessage({ id, result: null });
      return;
    }
    const { data, dims } = await pre.fromEncoded(input);
    self.postMessage({ id, result: { data, dims } }, [data.buffer]);
  } catch (err) {
    self.postMessage({ id, error: { code: err.code ?? 'INTERNAL', message: String(err.message ?? err) } });
  }
};
