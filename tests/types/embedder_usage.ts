// Compiled (not run) by tests/js/types.test.mjs twice with tsc --strict: as a page (lib "dom") and in
// Node (types "node", no DOM). Model.load's result, whatever kind it is, goes everywhere a model is
// taken; so does any other Embedder; the CLI's stored-vectors path needs no model at all.
import { Library, Model, type Embedder, type ModelInfo, type PgClient } from 'clipfind';

// What the CLI does with a model (bin/cli/library.mjs), typed: open the library or start one.
async function openOrCreate(file: string, model: Embedder, exists: boolean): Promise<Library> {
  return exists ? Library.open(file, model) : Library.create(model);
}

// A model of another kind (a remote service, a test double): only the Embedder interface.
class ConstantEmbedder implements Embedder {
  constructor(readonly info: ModelInfo) {}
  async embedTexts(texts: string[] | string): Promise<Float32Array> { return new Float32Array((Array.isArray(texts) ? texts.length : 1) * 4); }
  async embedImages(): Promise<Float32Array> { return new Float32Array(4); }
  score(cosine: number): number { return cosine; }
  async close(): Promise<void> {}
}

export async function everywhere(bytes: Uint8Array, client: PgClient): Promise<void> {
  const model = await Model.load('builtin:tiny', { backend: 'wasm' });
  const models: Embedder[] = [model, new ConstantEmbedder(model.info)];
  for (const m of models) {
    const created = await Library.create(m, { storage: 'f16' });
    const opened = await Library.open('photos.clipfind', m, { allowModelMismatch: true });
    const restored = await Library.fromBytes(created.toBytes(), m);
    const fromTable = await Library.fromPostgres(client, m, { table: 'items' });
    const cli = await openOrCreate('photos.clipfind', m, true);
    const { library } = await created.reindex(m, async () => bytes);
    for (const lib of [created, opened, restored, fromTable, cli, library]) lib.close();
  }
  // The CLI's export, sync, remove and dupes: the stored vectors, no model.
  const stored = await Library.open('photos.clipfind');
  console.log(stored.dupes().length, model.lastOutputLocation, model.info.dim ?? 0);
  stored.close();
  await model.close();

  // @ts-expect-error null is not a model (open it without one instead)
  await Library.open('photos.clipfind', null);
  // @ts-expect-error an Embedder needs info, embedTexts, embedImages, score and close
  await Library.create({ info: model.info, embedTexts: model.embedTexts });
}
