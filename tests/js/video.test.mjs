// Videos in the library, known answers: a video made of the built-in model's scenes (a red circle for
// 0–3 s, a blue square 3–6 s, a green triangle 6–9 s) among other videos (WebM VP8/VP9, MOV) and
// photos; a text query for each shape finds that video first with `time` in the right interval,
// through the API and through `clipfind search --json`. Bad videos are typed errors that fail alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library, Model, VideoError } from 'clipfind';
import { KNOWN_SCENES, makeVideo } from './helpers/video_scenes.mjs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
const gallery = new URL('../../models/tiny/gallery/', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-video-'));
const EXPECT = [['red circle', 0, 3], ['blue square', 3, 6], ['green triangle', 6, 9]];

// The library's files: the known video, three other videos, six gallery photos, and bad files.
const files = (() => {
  mkdirSync(path.join(dir, 'media', 'clips'), { recursive: true });
  const at = (f) => path.join(dir, 'media', f);
  makeVideo(at('clips/known.mp4'), KNOWN_SCENES);
  makeVideo(at('clips/cross.webm'), [{ color: 'yellow', shape: 'cross', seconds: 4 }, { color: 'purple', shape: 'circle', seconds: 2 }], { codec: 'vp9' });
  makeVideo(at('clips/orange.webm'), [{ color: 'orange', shape: 'square', seconds: 3 }], { codec: 'vp8' });
  makeVideo(at('clips/black.mov'), [{ color: 'black', shape: 'triangle', seconds: 2, background: [230, 230, 225] }]);
  for (const f of ['scene-000.png', 'scene-001.jpg', 'scene-002.jpg', 'scene-003.jpg', 'scene-004.jpg', 'scene-005.png']) copyFileSync(path.join(gallery, f), at(f));
  const known = readFileSync(at('clips/known.mp4'));
  writeFileSync(at('empty.mp4'), new Uint8Array(0));
  writeFileSync(at('notavideo.webm'), 'this is text, not a video');
  writeFileSync(at('truncated.mp4'), known.subarray(0, Math.floor(known.length / 2)));
  return { known, at };
})();

const model = await Model.load('builtin:tiny');
test.after(() => model.close());

test('API: each shape of the known video is found first, at a time inside its interval', async () => {
  const { at } = files;
  const lib = await Library.create(model);
  const events = [];
  const summary = await lib.add([
    { id: 'clips/known.mp4', video: files.known },
    { id: 'clips/cross.webm', video: new Blob([readFileSync(at('clips/cross.webm'))]) },
    { id: 'clips/orange.webm', video: readFileSync(at('clips/orange.webm')) },
    { id: 'clips/black.mov', video: readFileSync(at('clips/black.mov')) },
    ...['scene-000.png', 'scene-001.jpg', 'scene-002.jpg', 'scene-003.jpg', 'scene-004.jpg', 'scene-005.png'].map((f) => ({ id: f, image: readFileSync(at(f)) })),
  ], { onProgress: (p) => events.push(p) });
  assert.deepEqual({ ...summary, failed: summary.failed.map((f) => f.error.message) }, { added: 10, updated: 0, skipped: 0, failed: [] });
  assert.equal(lib.size, 10);
  const item = lib.get('clips/known.mp4');
  assert.equal(item.kind, 'video');
  assert.equal(item.codec, 'h264');
  assert.equal(item.duration, 9);
  assert.deepEqual(item.frames, [0, 1, 2, 3, 4, 5, 6, 7, 8]); // one a second; the cuts at 3 s and 6 s fall on seconds
  assert.ok(item.frames.includes(item.posterTime));
  assert.ok(events.some((e) => e.video?.id === 'clips/known.mp4' && e.video.stage === 'embedding' && e.video.done === 9 && e.video.total === 9));

  for (const [query, from, to] of EXPECT) {
    const { results } = await lib.search(query, { k: 3 });
    const top = results[0];
    assert.equal(top.id, 'clips/known.mp4', `${query}: ${results.map((r) => r.id)}`);
    assert.equal(top.kind, 'video');
    assert.ok(top.time >= from && top.time < to, `${query}: time ${top.time} not in [${from}, ${to})`);
    assert.ok(top.frameTime >= top.time && top.frameTime < to, `${query}: frame ${top.frameTime}`);
    assert.equal(new Set(results.map((r) => r.id)).size, results.length, 'a video is one result');
  }
  const cross = (await lib.search('yellow cross', { k: 1 })).results[0];
  assert.deepEqual([cross.id, cross.time < 4], ['clips/cross.webm', true]);
  const photo = (await lib.search('a photo', { k: 10 })).results.find((r) => r.id === 'scene-000.png');
  assert.equal(photo.kind, 'photo');
  assert.equal(photo.time, undefined);

  // Saved and reopened: same answers, no new file section (a video's frames are image rows).
  const bytes = lib.toBytes();
  assert.equal(new DataView(bytes.buffer).getUint32(8, true), 1);
  const again = await Library.fromBytes(bytes, model);
  for (const [query] of EXPECT) {
    const [a, b] = await Promise.all([lib.search(query, { k: 3 }), again.search(query, { k: 3 })]);
    assert.deepEqual(b.results.map((r) => [r.id, r.time, r.score]), a.results.map((r) => [r.id, r.time, r.score]));
  }
  // An `id:` term stands for the video's poster frame; the video is its own best match.
  assert.equal((await lib.search([{ id: 'clips/known.mp4' }], { k: 1 })).results[0].id, 'clips/known.mp4');
  // Tags per item (a video's best frame per label).
  const tags = await lib.tag(['red circle', 'yellow cross']);
  assert.equal(tags.length, 10);
  assert.deepEqual(tags.find((t) => t.id === 'clips/cross.webm').tags.map((t) => t.label), ['yellow cross']);
  // PostgreSQL export: one row per frame, `video` and `time` in its meta.
  const sql = lib.toSql();
  assert.equal((sql.match(/'clips\/known\.mp4#t=\d+'/g) ?? []).length, 9);
  assert.match(sql, /"video":"clips\/known\.mp4","time":3/);
  // Remove takes the frames with the item; merge brings them.
  const copy = await Library.create(model);
  assert.equal(copy.merge(lib), 10);
  assert.equal(again.remove(['clips/known.mp4', 'nope']), 1);
  assert.equal(again.size, 9);
  assert.notEqual((await again.search('red circle', { k: 1 })).results[0].id, 'clips/known.mp4');
  assert.equal((await copy.search('blue square', { k: 1 })).results[0].id, 'clips/known.mp4');
  // Re-adding the same bytes is skipped; a copy of a video is a near duplicate of it, not of itself.
  const re = await copy.add([{ id: 'clips/known.mp4', video: files.known }, { id: 'copy.mp4', video: files.known }]);
  assert.deepEqual([re.added, re.skipped], [1, 1]);
  assert.deepEqual(copy.dupes(), [['clips/known.mp4', 'copy.mp4']]);
  for (const l of [lib, again, copy]) l.close();
});

test('bad videos are VideoErrors naming the file; they fail alone and the batch goes on', async () => {
  const { at } = files;
  const lib = await Library.create(model);
  const summary = await lib.add([
    { id: 'empty.mp4', video: new Uint8Array(0) },
    { id: 'notavideo.webm', video: readFileSync(at('notavideo.webm')) },
    { id: 'truncated.mp4', video: readFileSync(at('truncated.mp4')) },
    { id: 'known.mp4', video: files.known },
  ]);
  assert.equal(summary.added, 1);
  const byId = Object.fromEntries(summary.failed.map((f) => [f.id, f.error]));
  assert.deepEqual(Object.keys(byId).sort(), ['empty.mp4', 'notavideo.webm', 'truncated.mp4']);
  for (const [id, err] of Object.entries(byId)) {
    assert.ok(err instanceof VideoError, `${id}: ${err}`);
    assert.ok(err.message.startsWith(`${id}:`), err.message);
    assert.doesNotMatch(err.message, /clipfind-video-/); // not the temporary copy's path
  }
  assert.equal(byId['empty.mp4'].code, 'EMPTY_VIDEO');
  assert.equal(byId['notavideo.webm'].code, 'INVALID_VIDEO');
  assert.equal(byId['truncated.mp4'].code, 'INVALID_VIDEO');
  lib.close();
});

test('a long video is sampled within the frame budget (evenly, by seeking), with progress', async () => {
  const file = path.join(dir, 'long.mp4');
  const scenes = ['red', 'blue', 'green', 'yellow'].map((color) => ({ color, shape: 'circle', seconds: 10 }));
  makeVideo(file, scenes, { width: 64, height: 48, fps: 2 });
  const lib = await Library.create(model);
  const seen = [];
  const summary = await lib.add([{ id: 'long.mp4', video: readFileSync(file) }], { video: { maxFrames: 8 }, onProgress: (p) => p.video && seen.push(p.video) });
  assert.equal(summary.added, 1, summary.failed[0]?.error.message);
  const { frames, duration } = lib.get('long.mp4');
  assert.equal(duration, 40);
  assert.deepEqual(frames, [2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 32.5, 37.5]);
  assert.deepEqual(seen.filter((p) => p.stage === 'reading').map((p) => p.done), [1, 2, 3, 4, 5, 6, 7, 8]);
  const blue = (await lib.search('blue circle', { k: 1 })).results[0];
  assert.ok(blue.time >= 10 && blue.time < 20, `blue at ${blue.time}`);
  lib.close();
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
  const table = run('search', '--library', lib, '--model', 'builtin:tiny', '--backend', 'wasm', '-k', '1', 'blue square');
  assert.match(table.stdout, /clips\/known\.mp4 @ 0:0[345]/);
});
