// Placeholder demo: proves the WASM core loads and searches in the browser.
import { FlatIndex, version } from '../index.js';

const status = document.getElementById('status');
try {
  const index = await FlatIndex.create({ dim: 3 });
  index.add(['red', 'green'], new Float32Array([1, 0, 0, 0, 1, 0]));
  const { ids } = index.search(new Float32Array([0.9, 0.1, 0]), 1);
  index.close();
  status.textContent = `clipfind ${version} ready (WASM core loaded; self-check found "${ids[0]}").`;
} catch (err) {
  status.textContent = `clipfind failed to load: ${err.message}`;
}
