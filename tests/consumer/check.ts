// A TypeScript consumer: compiles with --strict against the installed types, and misuse is rejected.
import { ClipfindError, FlatIndex, Library, Model, type LibraryResult } from 'clipfind';

const model: Model = await Model.load('builtin:tiny', { backend: 'wasm' });
const library = await Library.create(model);
const summary = await library.add([{ id: 'a.png', image: new Uint8Array(0), caption: 'a red circle' }]);
const added: number = summary.added;
const { results } = await library.search('red circle', { k: 5 });
const first: LibraryResult | undefined = results[0];
const id: string | undefined = first?.id;
const relevant: boolean | undefined = first?.relevant;
const index = await FlatIndex.create({ dim: 4, storage: 'f16' });
index.add(['x'], new Float32Array([1, 0, 0, 0]));
try {
  await Library.open('missing.clipfind', model);
} catch (err) {
  if (err instanceof ClipfindError) console.log(err.code, id, relevant, added);
}
// @ts-expect-error: k is a number
await library.search('red circle', { k: '5' });
// @ts-expect-error: storage is 'f32' | 'f16' | 'i8'
await FlatIndex.create({ dim: 4, storage: 'f64' });
index.close();
library.close();
await model.close();
