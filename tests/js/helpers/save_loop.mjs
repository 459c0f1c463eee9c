// Child process of the crash-safety test: keeps growing and saving a library until it is killed.
import { Library } from 'clipfind';
import { conceptModel, img } from './concept_model.mjs';

const [file] = process.argv.slice(2);
const model = conceptModel();
const lib = await Library.open(file, model);
let i = 0;
process.stdout.write('ready\n');
for (;;) {
  await lib.add(Array.from({ length: 50 }, (_, k) => ({ id: `loop/${process.pid}/${i}/${k}`, image: img(k % 2 ? 'tree' : 'snow red') })));
  i++;
  await lib.save(file);
  process.stdout.write('saved\n');
}
