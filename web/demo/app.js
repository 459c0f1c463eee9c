// What the demo's modules share: the model and library in use, and the library's name in storage.
// One object, so that a model switch or a cleared library is seen by every module at once.
export const app = {
  model: null,
  library: null,
  libraryName: null,
  /** model-select value of the model in use */
  currentChoice: 'tiny',
  /** A Tokenizer of the model in use (to say when a query is longer than the model reads), or null. */
  tokenizer: null,
};

// Listeners for "the library changed" (import, clear, caption saved, model switch): views re-render.
const listeners = new Set();
export const onLibraryChange = (fn) => listeners.add(fn);
export function libraryChanged(why) {
  for (const fn of listeners) fn(why);
}

// While a model loads, imports wait on this gate (photos picked meanwhile are added afterwards).
let gate = null; // { promise, resolve }
export function modelLoading(on) {
  if (on && !gate) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    gate = { promise, resolve };
  } else if (!on && gate && app.model) {
    gate.resolve();
    gate = null;
  }
}
export const modelReady = () => gate?.promise;
export const isModelLoading = () => gate !== null;
