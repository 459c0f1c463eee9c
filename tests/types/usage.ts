// Compiled (not run) by tests/js/types.test.mjs with tsc --strict: the published types must accept
// the documented usage and reject misuse (the @ts-expect-error lines fail the build if they compile).
import {
  ClipfindError, CorruptDataError, DEFAULT_WEIGHTS, DocumentError, FlatIndex, Library, Model, ModelMismatchError, RemoteError,
  NEUTRAL_PROMPTS, imageInfo, parseQuery, type LibraryResult,
} from 'clipfind';

async function main(bytes: Uint8Array): Promise<void> {
  const model = await Model.load('models/tiny', { backend: 'wasm', onProgress: (e) => console.log(e.file, e.loaded / e.total) });
  const vectors: Float32Array = await model.embedTexts(['a red car']);
  const lib = await Library.create(model, { weights: { image: 0.8 }, storage: 'i8' });
  const summary = await lib.add([{ id: 'a.jpg', image: bytes, caption: 'a red car', meta: { album: 'trip', tags: ['car'] } }], {
    onProgress: ({ done, total, eta }) => console.log(done, total, eta ?? 'unknown'),
    signal: new AbortController().signal,
  });
  for (const f of summary.failed) console.log(f.id, f.error.code);
  const { total, results } = await lib.search('red car -night, 2:beach', { k: 10, cutoff: false, filter: { folder: 'trips', tags: ['car'] } });
  const first: LibraryResult | undefined = results[0];
  console.log(total, first?.score, first?.captionScore ?? 'no caption', first?.meta.dateTaken);
  await lib.search([{ text: 'dog', weight: 2 }, { id: 'a.jpg', weight: -1 }, { image: bytes }]);
  await lib.add([{ id: 'clip.mp4', video: bytes }], { video: { maxFrames: 32 }, onProgress: (p) => console.log(p.video?.stage, p.video?.done) });
  const moment = (await lib.search('red car')).results.find((r) => r.kind === 'video');
  console.log(moment?.time?.toFixed(1), moment?.frameTime, moment?.meta.posterTime);
  const pdfSummary = await lib.add([{ id: 'doc.pdf', pdf: bytes }], { pdf: { maxPages: 100, onPage: ({ id, page, image }) => console.log(id, page, image.byteLength) } });
  for (const f of pdfSummary.failed) if (f.error instanceof DocumentError) console.log(f.error.code);
  const page = lib.get('doc.pdf#page=2');
  console.log(page?.kind === 'page' ? `${page.document} p. ${page.page} of ${page.pages}` : 'not a page');
  const remote = await Model.load({ provider: 'voyage', model: 'voyage-multimodal-3', apiKey: 'key', baseUrl: 'https://api.voyageai.com', maxRetries: 3 });
  console.log(remote.info.remote?.origin, remote.info.backend === 'remote');
  await remote.embedTexts(['a caption'], { inputType: 'document' });
  try {
    await remote.embedImages([bytes], { inputType: 'query' });
  } catch (err) {
    if (err instanceof RemoteError && err.code === 'REMOTE_UNAUTHORIZED') console.log('check the key');
  }
  const groups: string[][] = lib.dupes({ threshold: 0.9 });
  const tags = await lib.tag(['car', 'dog'], { apply: true });
  console.log(groups.length, tags[0]?.tags[0]?.label, DEFAULT_WEIGHTS.image, NEUTRAL_PROMPTS.length, parseQuery('x')[0]?.weight);
  console.log((await imageInfo(bytes)).orientation, model.info.family, model.score(0.3));
  await lib.save('photos.clipfind');
  try {
    (await Library.open('photos.clipfind', model)).close();
  } catch (err) {
    if (err instanceof ModelMismatchError) console.log(err.libraryModel.id);
    else if (err instanceof CorruptDataError || err instanceof ClipfindError) console.log(err.code);
  }
  const index = await FlatIndex.create({ dim: 512, storage: 'f16' });
  index.close();
  lib.close();
  await model.close();

  // @ts-expect-error cutoff takes 'auto', false or options
  await lib.search('x', { cutoff: 'off' });
  // @ts-expect-error items need an id
  await lib.add([{ image: bytes }]);
  // @ts-expect-error an item has an image or a pdf, not both
  await lib.add([{ id: 'x', image: bytes, pdf: bytes }]);
  // @ts-expect-error a remote model needs its key
  await Model.load({ provider: 'voyage' });
  // @ts-expect-error weights are numbers
  await Library.create(model, { weights: { image: 'high' } });
}

void main;
