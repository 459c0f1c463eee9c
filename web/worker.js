// Worker side of WorkerModel: the WASM core and ONNX Runtime run here, in a LocalModel, so the page never blocks.
import { ClipfindError } from './errors.js';
import { LocalModel } from './local_model.js';

let model = null;

async function handle(method, args, id) {
  switch (method) {
    case 'load': {
      const [source, options] = args;
      model = await LocalModel.load(source, { ...options, onProgress: (event) => self.postMessage({ progress: id, event }) });
      return { result: model.info };
    }
    case 'embedTexts':
    case 'embedImages':
    case 'embedAudio': {
      const data = await model[method](...args);
      return { result: { data, location: model.lastOutputLocation, info: model.info }, transfer: [data.buffer] };
    }
    case 'close':
      await model?.close();
      model = null;
      return { result: null };
    default:
      throw new ClipfindError('INTERNAL', `unknown method ${method}`);
  }
}

self.onmessage = async (e) => {
  const { id, method, args } = e.data;
  try {
    const { result, transfer = [] } = await handle(method, args, id);
    self.postMessage({ id, result }, transfer);
  } catch (err) {
    self.postMessage({ id, error: { code: err.code ?? 'INTERNAL', message: String(err.message ?? err) } });
  }
};
