// Opens a saved library the way an app does (from the Origin Private File System, Library.open) and
// reports the WASM heap and JS heap it takes. The file is fetched and stored first, outside the count.
import { Library, loadWasm } from '../../web/index.js';

const dim = 512;
const stub = {
  info: { id: 'bench@1', name: 'bench', family: 'clip', dim, logitScale: 100 },
  async embedTexts(texts) {
    const v = new Float32Array(texts.length * dim);
    for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 12.9898 + texts[0].length);
    return v;
  },
  async embedImages() { throw new Error('not used'); },
};

// A GC, a moment for freed buffers to be released, another GC: what is left is live.
async function settle() {
  window.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  window.gc?.();
}

// Loads the module, fetches the file and stores it in the Origin Private File System under `name`
// (all outside any count).
window.storeLibrary = async (url, name) => {
  await loadWasm();
  const dir = await navigator.storage.getDirectory();
  const bytes = await (await fetch(url)).arrayBuffer();
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(bytes);
  await w.close();
};

// Library.open of the stored file: the WASM heap before and after, the JS heap it kept, one search.
window.openStored = async (name) => {
  const M = await loadWasm();
  await settle();
  const heap0 = M.HEAPU8.length, js0 = performance.memory?.usedJSHeapSize ?? 0;
  const t0 = performance.now();
  const lib = await Library.open(name, stub);
  const openMs = performance.now() - t0;
  const { total } = await lib.search('a dog on a beach', { k: 10 });
  let captioned = 0;
  for (const it of lib.items()) captioned += it.caption ? 1 : 0;
  await settle();
  const js = (performance.memory?.usedJSHeapSize ?? 0) - js0;
  window.library = lib; // kept alive until measured
  return { heap0, heap: M.HEAPU8.length, js, openMs, size: lib.size, captioned, searched: total, memoryBytes: lib.memoryBytes };
};

window.openLibrary = async (url, name) => {
  await window.storeLibrary(url, name);
  return window.openStored(name);
};
window.ready = true;
