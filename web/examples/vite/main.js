// The example app of README "Use in a web app" (tests/js/package.test.mjs builds it from the installed
// tarball): `npm install && npx vite build`, then serve dist/ from any static server.
// The whole app: a model, a library, a file picker and a search box.
import { Library, Model } from 'clipfind';

const status = document.getElementById('status');
const model = await Model.load('builtin:tiny');
const library = await Library.create(model);
status.textContent = `Ready (${model.info.backend})`;

document.getElementById('photos').addEventListener('change', async (e) => {
  const { added, failed } = await library.add([...e.target.files].map((file) => ({ id: file.name, image: file })));
  status.textContent = `Added ${added} photos, ${failed.length} failed`;
});

document.getElementById('q').addEventListener('input', async (e) => {
  const { results } = await library.search(e.target.value, { k: 5 });
  document.getElementById('results').replaceChildren(...results.map((r) => {
    const li = document.createElement('li');
    li.textContent = r.id;
    return li;
  }));
});
