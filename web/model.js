// Model: the one way to get an embedder. Model.load returns a LocalModel (Node, workers, or a page that
// asks for worker: false or brings its own ORT) or a WorkerModel (pages: the same model in a Web
// Worker). Both implement the Embedder interface of index.d.ts (info, embedTexts, embedImages, score,
// close), which is all that Library and the CLI use; later kinds (remote, audio) implement it too.
import { LocalModel } from './local_model.js';
import { detectBackend } from './ort.js';
import { WorkerModel } from './worker_model.js';
import { isPage } from './env.js';

// A remote model ({ provider: 'voyage', ... }) loads its module only when asked for: the one path
// that sends data off the device is not even imported otherwise.
const isRemote = (source) => source !== null && typeof source === 'object' && typeof source.provider === 'string';

export const Model = Object.freeze({
  /**
   * @param source 'builtin:NAME', a directory (Node), a base URL, a FileList/File[], a directory handle, a reader,
   *   or { provider: 'voyage', model, apiKey, baseUrl? } (remote: README "Voyage multimodal-3")
   * @param {{backend?: 'auto'|'webgpu'|'wasm', dtype?: string, onProgress?: Function, batchSize?: number, ort?: object, threads?: number, worker?: boolean}} [options]
   * @returns {Promise<LocalModel | WorkerModel>}
   */
  load(source, { worker, ...options } = {}) {
    if (isRemote(source)) return import('./voyage.js').then(({ VoyageModel }) => VoyageModel.load(source));
    if (isPage && worker !== false && !options.ort) return WorkerModel.load(source, options);
    return LocalModel.load(source, options);
  },

  /** What backend 'auto' (or the one given) would run here, without loading a model. */
  detectBackend(requested = 'auto') { return detectBackend(requested); },
});
