// Worker side of ParallelPreprocessor: decodes and preprocesses images (the WASM core, PIL-exact) on
// its own thread, so the next images are ready while ONNX Runtime runs the current ones. A Web Worker
// in browsers, a worker_threads Worker in Node.
import { isNode, nodeImport } from './env.js';
import { ImagePreprocessor } from './image.js';

let port = isNode ? null : self;
let pre = null;

async function handle({ id, config, input }) {
  try {
    if (config !== undefined) {
      pre = await ImagePreprocessor.fromConfig(config);
      port.postMessage({ id, result: null });
      return;
    }
    const { data, dims } = await pre.fromEncoded(input);
    port.postMessage({ id, result: { data, dims } }, [data.buffer]);
  } catch (err) {
    port.postMessage({ id, error: { code: err.code ?? 'INTERNAL', message: String(err.message ?? err) } });
  }
}

// (no top-level await: bundlers may build workers as classic scripts; a worker_threads port keeps the
// messages that arrive before its listener)
// One request at a time, in order (the config first).
let turn = Promise.resolve();
const receive = (msg) => { turn = turn.then(() => handle(msg)); };
if (isNode) {
  nodeImport('node:worker_threads').then(({ parentPort }) => {
    port = parentPort;
    port.on('message', receive);
  });
} else self.onmessage = (e) => receive(e.data);
