// The smallest useful integration: a model, a library, a search box. Build clipfind first
// (npm run build in the repository root) so web/wasm/ and web/vendor/ exist.
import { Library, Model } from 'clipfind';

// The built-in tiny model: vite.config.js serves the repository's models/ folder at the root.
// Any base URL of a model in the Hugging Face ONNX layout works the same way.
const model = await Model.load(new URL('/tiny/', location.href).href);
const library = await Library.create(model);

document.getElementById('files').addEventListener('change', async (e) => {
  const items = [...e.target.files].map((f) => ({ id: f.name, image: f }));
  const { added, failed } = await library.add(items);
  console.log(`added ${added}, failed ${failed.length}`);
});

document.getElementById('q').addEventListener('input', async (e) => {
  if (!e.target.value.trim()) return;
  const { results } = await library.search(e.target.value, { k: 10 });
  document.getElementById('out').replaceChildren(...results.map((r) => {
    const li = document.createElement('li');
    li.textContent = `${r.id} ${r.score.toFixed(3)}${r.relevant ? '' : ' (weak)'}`;
    return li;
  }));
});
