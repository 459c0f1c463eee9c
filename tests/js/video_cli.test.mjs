// Videos through the CLI (clipfind index on a folder with videos, clipfind search --json with `time`)
// and PostgreSQL (one row per frame, back whole), with the known-answer video of video.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Library, Model } from 'clipfind';
import { EXPECT, mediaFolder } from './helpers/video_scenes.mjs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
const files = mediaFolder();
const { dir } = files;
const model = await Model.load('builtin:tiny');
test.after(() => model.close());

test('PostgreSQL (PGlite + pgvector): a video syncs as one row per frame and comes back whole; reindex re-reads it', { timeout: 60000 }, async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const db = await PGlite.create({ extensions: { vector } });
  const lib = await Library.create(model);
  await lib.add([{ id: 'known.mp4', video: files.known, caption: 'shapes' }, { id: 'scene-000.png', image: readFileSync(files.at('scene-000.png')) }]);
  assert.deepEqual(await lib.syncTo(db), { upserted: 10, deleted: 0, unchanged: 0 });
  const { rows } = await db.query("SELECT id, meta->>'time' AS time FROM clipfind_items WHERE meta->>'video' = 'known.mp4' ORDER BY (meta->>'time')::float");
  assert.deepEqual(rows.map((r) => r.id), [0, 1, 2, 3, 4, 5, 6, 7, 8].map((t) => `known.mp4#t=${t}`));
  const back = await Library.fromPostgres(db, model);
  assert.equal(back.size, 2);
  const { id, kind, ...rest } = back.get('known.mp4');
  assert.deepEqual([id, kind, rest.frames, rest.posterTime, rest.caption], ['known.mp4', 'video', lib.get('known.mp4').frames, lib.get('known.mp4').posterTime, 'shapes']);
  for (const [query, from, to] of EXPECT) {
    const top = (await back.search(query, { k: 1 })).results[0];
    assert.ok(top.id === 'known.mp4' && top.time >= from && top.time < to, `${query}: ${top.id} at ${top.time}`);
  }
  assert.deepEqual(await back.syncTo(db), { upserted: 0, deleted: 0, unchanged: 10 });
  back.remove(['known.mp4']);
  assert.deepEqual(await back.syncTo(db), { upserted: 0, deleted: 9, unchanged: 1 });
  // reindex: loadImage(id) gives a video's bytes for a video
  const { library: re, summary } = await lib.reindex(model, async (itemId) => (itemId === 'known.mp4' ? files.known : readFileSync(files.at(itemId))));
  assert.deepEqual([summary.added, re.get('known.mp4').frames], [2, lib.get('known.mp4').frames]);
  for (const l of [lib, back, re]) l.close();
  await db.close();
});

test('CLI: clipfind index reads the videos of a folder; search --json prints kind and time', () => {
  const lib = path.join(dir, 'cli.clipfind');
  const run = (...args) => spawnSync('node', [cli, ...args], { encoding: 'utf8' });
  const indexed = run('index', '--model', 'builtin:tiny', '--library', lib, '--backend', 'wasm', path.join(dir, 'media'));
  const out = JSON.parse(indexed.stdout);
  assert.equal(out.added, 10, indexed.stderr);
  assert.deepEqual(out.failed.map((f) => path.basename(f.path)).sort(), ['empty.mp4', 'notavideo.webm', 'truncated.mp4']);
  assert.ok(out.failed.every((f) => /^(EMPTY_VIDEO|INVALID_VIDEO): /.test(f.error)), JSON.stringify(out.failed));
  assert.match(indexed.stderr, /clips\/known\.mp4: embedding frame 9\/9/);
  for (const [query, from, to] of EXPECT) {
    const r = run('search', '--library', lib, '--model', 'builtin:tiny', '--backend', 'wasm', '--json', '-k', '3', query);
    assert.equal(r.status, 0, r.stderr);
    const [top] = JSON.parse(r.stdout);
    assert.equal(top.id, 'clips/known.mp4', query);
    assert.equal(top.kind, 'video');
    assert.ok(top.time >= from && top.time < to, `${query}: time ${top.time}`);
  }
});
