// Videos in a page: library.add with video Files in headless Chromium (mediabunny demuxes, WebCodecs
// decodes, the built-in model embeds in its worker, under the demo's CSP), the known-answer video
// found at the right time, bad and undecodable videos typed errors that fail alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { KNOWN_SCENES, makeVideo } from './helpers/video_scenes.mjs';

const skip = browserSkipReason();
const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-video-browser-'));

test('Chromium: videos added through the library in a page; each shape found at its time; bad videos fail alone', { skip, timeout: 120000 }, async () => {
  const b64 = (f) => readFileSync(f).toString('base64');
  const known = makeVideo(path.join(dir, 'known.webm'), KNOWN_SCENES, { codec: 'vp9' });
  const h264 = makeVideo(path.join(dir, 'cross.mp4'), [{ color: 'yellow', shape: 'cross', seconds: 3 }]);
  const prores = path.join(dir, 'prores.mov');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', h264, '-c:v', 'prores_ks', prores]);
  const bytes = readFileSync(known);
  const videos = [
    { id: 'known.webm', b64: b64(known), type: 'video/webm' },
    { id: 'cross.mp4', b64: b64(h264), type: 'video/mp4' },
    { id: 'prores.mov', b64: b64(prores), type: 'video/quicktime' },
    { id: 'truncated.webm', b64: bytes.subarray(0, 300).toString('base64'), type: 'video/webm' },
    { id: 'empty.mp4', b64: '', type: 'video/mp4' },
  ];
  await withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/tests/browser/video.html`);
    await page.waitForFunction(() => window.ready === true);
    const out = await page.evaluate(([v, q]) => window.run(v, q), [videos, ['red circle', 'blue square', 'green triangle', 'yellow cross']]);
    assert.ok(out.webcodecs, 'no WebCodecs in this Chromium');
    assert.deepEqual(out.violations, []);
    const failed = Object.fromEntries(out.failed.map((f) => [f.id, f]));
    console.log(`failed as expected: ${JSON.stringify(out.failed.map((f) => [f.id, f.code]))}`);
    for (const f of out.failed) {
      assert.equal(f.name, 'VideoError', JSON.stringify(f));
      assert.ok(f.message.startsWith(`${f.id}:`), f.message);
    }
    assert.equal(failed['empty.mp4']?.code, 'EMPTY_VIDEO');
    assert.equal(failed['truncated.webm']?.code, 'INVALID_VIDEO');
    assert.equal(failed['prores.mov']?.code, 'UNSUPPORTED_VIDEO');
    const item = out.items.find((i) => i.id === 'known.webm');
    assert.ok(item, `known.webm not added: ${logs.join('\n')}`);
    assert.deepEqual([item.kind, item.codec, item.frames], ['video', 'vp9', [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    assert.ok(Math.abs(item.duration - 9) < 0.2, `duration ${item.duration}`);
    assert.deepEqual(out.stages.sort(), ['embedding', 'reading']);
    for (const [query, from, to] of [['red circle', 0, 3], ['blue square', 3, 6], ['green triangle', 6, 9]]) {
      const top = out.found[query][0];
      assert.equal(top.id, 'known.webm', `${query}: ${JSON.stringify(out.found[query])}`);
      assert.ok(top.time >= from && top.time < to, `${query}: time ${top.time}`);
    }
    // H.264 needs a Chromium built with it (Debian's is); where it is not, it must be a typed refusal.
    if (failed['cross.mp4']) assert.equal(failed['cross.mp4'].code, 'UNSUPPORTED_VIDEO');
    else assert.equal(out.found['yellow cross'][0].id, 'cross.mp4');
    assert.equal(out.added, failed['cross.mp4'] ? 1 : 2);
  });
});
