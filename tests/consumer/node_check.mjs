// Node: the built-in model from the installed package, its sample gallery and a few shape photos indexed,
// then searched. Prints one JSON line the test reads.
import { readdirSync, readFileSync } from 'node:fs';
import { Library, Model } from 'clipfind';

const [shapesDir, ...queries] = process.argv.slice(2);
const model = await Model.load('node_modules/clipfind/models/tiny');
const library = await Library.create(model);
const gallery = 'node_modules/clipfind/models/tiny/gallery';
const captions = JSON.parse(readFileSync(`${gallery}/captions.json`, 'utf8'));
const files = readdirSync(gallery).filter((f) => /\.(png|jpe?g)$/.test(f));
const galleryAdded = await library.add(files.map((f) => ({ id: `gallery/${f}`, image: readFileSync(`${gallery}/${f}`), caption: captions[f] })));
const shapes = readdirSync(shapesDir).filter((f) => f.endsWith('.png'));
const shapesAdded = await library.add(shapes.map((f) => ({ id: `shapes/${f}`, image: readFileSync(`${shapesDir}/${f}`) })));
const top = {};
for (const q of queries) {
  // Among the shape photos only: the gallery has many red circles too.
  const { results } = await library.search(q, { k: 3, filter: { folder: 'shapes' } });
  top[q] = results[0]?.id;
}
process.stdout.write(`${JSON.stringify({ info: model.info, gallery: { added: galleryAdded.added, failed: galleryAdded.failed.length, files: files.length }, shapes: shapesAdded.added, size: library.size, top })}\n`);
library.close();
await model.close();
