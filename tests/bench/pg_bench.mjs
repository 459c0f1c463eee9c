// PostgreSQL + pgvector rates for a 100k-item library (512-d, 30% captioned): export SQL, load it,
// first sync over the wire, an incremental sync (1% changed), import back. The database is PGlite
// (PostgreSQL compiled to WASM, single session) with pgvector: a native server is faster.
// Run: node --expose-gc tests/bench/pg_bench.mjs [N]
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { Library } from 'clipfind';
import { rng } from '../js/helpers/vectors.mjs';

const N = Number(process.argv[2] ?? 100000), DIM = 512;
const r = rng(7);
const unit = () => {
  const v = new Float32Array(DIM);
  let n = 0;
  for (let i = 0; i < DIM; i++) { v[i] = r() - 0.5; n += v[i] * v[i]; }
  for (let i = 0; i < DIM; i++) v[i] /= Math.sqrt(n);
  return v;
};
// A stand-in model: random unit vectors (what is measured is the data path, not the embedding).
const model = {
  info: { id: 'bench/random-512@0000000000000000', name: 'bench', family: 'clip', dim: DIM },
  embedImages: async (items) => { const out = new Float32Array(items.length * DIM); items.forEach((_, i) => out.set(unit(), i * DIM)); return out; },
  embedTexts: async (texts) => { const out = new Float32Array(texts.length * DIM); texts.forEach((_, i) => out.set(unit(), i * DIM)); return out; },
};
const time = async (label, n, fn) => {
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${s.toFixed(1).padStart(7)} s  ${Math.round(n / s).toString().padStart(7)} items/s`);
  return out;
};

const lib = await Library.create(model);
await time(`build library (${N} items)`, N, () => lib.add(Array.from({ length: N }, (_, i) => ({ id: `photos/${i}.jpg`, image: new Uint8Array([i & 255, i >> 8, i >> 16, 1]), caption: i % 10 < 3 ? `caption number ${i}` : undefined })), { batchSize: 1000 }));
const db = await PGlite.create({ extensions: { vector } });
let bytes = 0;
await time('export SQL + load it (psql-style)', N, async () => {
  let batch = '';
  for (const st of lib.sqlStatements({ table: 'exported' })) {
    bytes += st.length;
    batch += st;
    if (batch.length > 8e6) { await db.exec(batch); batch = ''; }
  }
  await db.exec(batch);
});
console.log(`  SQL script: ${(bytes / 1e6).toFixed(0)} MB`);
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
await server.start();
const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
await client.connect();
await time('first sync over the wire', N, () => lib.syncTo(client));
const changed = Math.round(N / 100);
for (let i = 0; i < changed; i++) lib.setTags(`photos/${i * 100}.jpg`, ['edited']);
await time(`incremental sync (${changed} changed)`, N, () => lib.syncTo(client));
const back = await time('import (Library.fromPostgres)', N, () => Library.fromPostgres(client, model));
console.log(`  imported ${back.size} items`);
await client.end();
await server.stop();
await db.close();
