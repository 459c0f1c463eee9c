// A library in PostgreSQL + pgvector, against a real PostgreSQL: PGlite (Postgres compiled to WASM)
// with the pgvector extension, loaded with the exported SQL and reached over the wire protocol
// (pglite-socket + pg) by `clipfind sync` and `library.syncTo`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { Library, Model } from 'clipfind';
import { drawShapes } from './helpers/shapes.mjs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
const gallery = new URL('../../models/tiny/gallery/', import.meta.url).pathname;
// Asynchronous: the PostgreSQL server runs in this process, so blocking on the CLI would deadlock it.
const run = (...args) => new Promise((resolve) => {
  const p = spawn('node', [cli, ...args]);
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  p.on('close', (status) => resolve({ status, stdout, stderr }));
});
const QUERIES = ['red circle', 'a small green square at the bottom', 'blue star', 'holiday snapshot'];

let dir, model, lib, libFile, db, server, url;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-pg-'));
  model = await Model.load('builtin:tiny', { backend: 'wasm' });
  lib = await Library.create(model);
  const captions = JSON.parse(readFileSync(path.join(gallery, 'captions.json'), 'utf8'));
  const files = readdirSync(gallery).filter((f) => /\.(png|jpe?g)$/.test(f));
  const { added } = await lib.add(files.map((f) => ({ id: `gallery/${f}`, image: readFileSync(path.join(gallery, f)), caption: captions[f] })));
  assert.equal(added, 200);
  libFile = path.join(dir, 'photos.clipfind');
  await lib.save(libFile);
  db = await PGlite.create({ extensions: { vector } });
  server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', debug: Boolean(process.env.PG_DEBUG) });
  await server.start();
  url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
}, { timeout: 120000 });
after(async () => {
  lib?.close();
  await model?.close();
  await server?.stop();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FUSED = (table) => `SELECT id, CASE WHEN caption_embedding IS NULL THEN 1 - (image_embedding <=> $1)
  ELSE 0.7 * (1 - (image_embedding <=> $1)) + 0.3 * (1 - (caption_embedding <=> $1)) END AS score
  FROM ${table} ORDER BY score DESC LIMIT 10`;
const IMAGE_ONLY = (table) => `SELECT id, 1 - (image_embedding <=> $1) AS score FROM ${table} ORDER BY image_embedding <=> $1 LIMIT 10`;

// pgvector's exact scan and clipfind rank the same items in the same order, with the same scores.
async function assertParity(query, library, table) {
  for (const q of QUERIES) {
    const v = `[${Array.from(await model.embedTexts([q])).join(',')}]`;
    for (const [sql, weights] of [[IMAGE_ONLY(table), { image: 1, caption: 0 }], [FUSED(table), undefined]]) {
      const rows = (await query(sql, [v])).rows;
      const { results } = await library.search(q, { k: 10, cutoff: false, ...(weights ? { weights } : {}) });
      assert.deepEqual(rows.map((r) => r.id), results.map((r) => r.id), `${q}: ${weights ? 'image-only' : 'fused'} ranking`);
      rows.forEach((r, i) => assert.ok(Math.abs(Number(r.score) - results[i].score) <= 1e-5, `${q}: ${r.id} ${r.score} vs ${results[i].score}`));
    }
  }
}

async function assertTableEquals(query, library, table) {
  const rows = (await query(`SELECT id, caption, meta, caption_embedding IS NULL AS nocap, model FROM ${table} ORDER BY id`)).rows;
  const items = [...library.items()].sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual(rows.map((r) => r.id), items.map((i) => i.id));
  rows.forEach((r, i) => {
    assert.equal(r.caption, items[i].caption);
    assert.equal(r.nocap, !items[i].caption);
    assert.deepEqual(r.meta.tags, items[i].tags);
    assert.equal(r.meta.hash, items[i].hash);
    assert.equal(r.model, library.modelInfo.id);
  });
  const [{ n, distinct }] = (await query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM ${table}`)).rows;
  assert.equal(n, distinct);
}

test('clipfind export --format pgvector: the SQL loads into PostgreSQL and pgvector ranks as clipfind does', { timeout: 120000 }, async () => {
  const out = path.join(dir, 'photos.sql');
  const r = await run('export', '--library', libFile, '--format', 'pgvector', '--out', out, '--table', 'exported');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).items, 200);
  await db.exec(readFileSync(out, 'utf8'));
  await assertTableEquals((...a) => db.query(...a), lib, 'exported');
  await assertParity((...a) => db.query(...a), lib, 'exported');
  // Loading it again is idempotent; into a table of another model, it is refused and changes nothing.
  await db.exec(readFileSync(out, 'utf8'));
  assert.equal((await db.query('SELECT count(*)::int AS n FROM exported')).rows[0].n, 200);
  await db.exec("CREATE TABLE other (LIKE exported INCLUDING ALL); INSERT INTO other SELECT id, image_embedding, caption, caption_embedding, 'someone-else@0000', meta FROM exported LIMIT 1;");
  const into = await run('export', '--library', libFile, '--format', 'pgvector', '--out', out, '--table', 'other');
  assert.equal(into.status, 0);
  await assert.rejects(db.exec(readFileSync(out, 'utf8')), /another model/);
  await db.exec('ROLLBACK');
  assert.equal((await db.query('SELECT count(*)::int AS n FROM other')).rows[0].n, 1);
  assert.equal((await run('export', '--library', libFile, '--format', 'csv', '--out', out)).status, 2);
});

// One connection at a time: PGlite is a single session, so pglite-socket serves one client at once.
async function connect() {
  // The server frees its one slot when it sees the previous socket close, a moment after the client does.
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (err) {
      if (attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function withClient(fn) {
  const client = await connect();
  try {
    return await fn((...a) => client.query(...a), client);
  } finally {
    await client.end();
  }
}

test('clipfind sync over the wire: creates, then syncs adds, removes, caption and tag edits incrementally', { timeout: 180000 }, async () => {
  const first = await run('sync', '--library', libFile, '--to', url);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), { upserted: 200, deleted: 0, unchanged: 0 });
  await withClient((query) => assertParity(query, lib, 'clipfind_items'));
  // Changes: 6 new photos, 3 removed, 2 captions edited, 1 item re-tagged.
  const shapes = path.join(dir, 'shapes');
  mkdirSync(shapes);
  const drawn = drawShapes(shapes);
  await lib.add(drawn.map((s) => ({ id: `shapes/${s.file}`, image: readFileSync(path.join(shapes, s.file)) })));
  lib.remove(['gallery/scene-000.png', 'gallery/scene-001.jpg', 'gallery/scene-002.jpg']);
  await lib.updateCaption('gallery/scene-010.png', 'a large red circle');
  await lib.updateCaption('gallery/scene-007.jpg', null);
  lib.setTags('gallery/scene-020.png', ['favourite']);
  await lib.save(libFile);
  const second = await run('sync', '--library', libFile, '--to', url);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout), { upserted: 9, deleted: 3, unchanged: 194 });
  await withClient(async (query) => {
    await assertTableEquals(query, lib, 'clipfind_items');
    await assertParity(query, lib, 'clipfind_items');
  });
  assert.deepEqual(JSON.parse((await run('sync', '--library', libFile, '--to', url)).stdout), { upserted: 0, deleted: 0, unchanged: 203 });
});

test('library.syncTo: a connection dropped mid-sync fails typed; the next sync resumes with no duplicates or losses', { timeout: 120000 }, async () => {
  const client = await connect();
  let batches = 0;
  await assert.rejects(lib.syncTo(client, {
    table: 'resumed', batchSize: 20,
    onProgress: ({ done }) => { if (done > 0 && ++batches === 2) client.connection.stream.destroy(); },
  }), (e) => e.code === 'NETWORK' && /run the sync again/.test(e.message));
  const again = await connect();
  try {
    const committed = (await again.query('SELECT count(*)::int AS n FROM resumed')).rows[0].n;
    assert.ok(committed >= 40 && committed < lib.size, `${committed} rows committed before the drop`);
    const summary = await lib.syncTo(again, { table: 'resumed', batchSize: 20 });
    assert.deepEqual(summary, { upserted: lib.size - committed, deleted: 0, unchanged: committed });
    await assertTableEquals((...a) => again.query(...a), lib, 'resumed');
    // A table filled by another model is refused, typed, and left as it was.
    await again.query("UPDATE resumed SET model = 'someone-else@0000' WHERE id = 'gallery/scene-003.jpg'");
    await assert.rejects(lib.syncTo(again, { table: 'resumed' }), (e) => e.code === 'MODEL_MISMATCH');
  } finally {
    await again.end();
  }
  const cliMismatch = await run('sync', '--library', libFile, '--to', url, '--table', 'resumed');
  assert.equal(cliMismatch.status, 1);
  assert.match(cliMismatch.stderr, /MODEL_MISMATCH: resumed holds embeddings of someone-else@0000/);
  await withClient(async (query) => assert.equal((await query("SELECT model FROM resumed WHERE id = 'gallery/scene-003.jpg'")).rows[0].model, 'someone-else@0000'));
});

test('clipfind import builds the same library back from the table (same model only)', { timeout: 120000 }, async () => {
  const file = path.join(dir, 'imported.clipfind');
  const r = await run('import', '--from', url, '--model', 'builtin:tiny', '--library', file);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { imported: lib.size });
  const back = await Library.open(file, model);
  try {
    for (const q of [...QUERIES, { id: 'gallery/scene-010.png' }]) {
      const a = await lib.search(q, { k: 10 });
      const b = await back.search(q, { k: 10 });
      assert.deepEqual(b.results.map((x) => [x.id, x.relevant]), a.results.map((x) => [x.id, x.relevant]));
      b.results.forEach((x, i) => assert.ok(Math.abs(x.score - a.results[i].score) < 1e-6));
    }
    assert.deepEqual(back.get('gallery/scene-020.png').tags, ['favourite']);
  } finally {
    back.close();
  }
  const other = await run('import', '--from', url, '--model', new URL('../fixtures/models/clip/', import.meta.url).pathname, '--library', path.join(dir, 'x.clipfind'));
  assert.equal(other.status, 1);
  assert.match(other.stderr, /MODEL_MISMATCH/);
  assert.equal((await run('import', '--from', url, '--model', 'builtin:tiny', '--library', file)).status, 2, 'an existing library is not overwritten');
  const down = await run('sync', '--library', libFile, '--to', 'postgres://postgres@127.0.0.1:1/postgres');
  assert.equal(down.status, 1);
  assert.match(down.stderr, /NETWORK: postgres:\/\/127\.0\.0\.1:1\/postgres: cannot connect/);
});
