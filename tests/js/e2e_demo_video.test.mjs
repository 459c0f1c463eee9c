// The demo with videos, in Chromium: the importer takes video files (here the sample gallery's two
// generated videos beside photos), a search shows a video with its frame and a time badge, and the
// result opens the video in the preview at the moment found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();
const gallery = new URL('../../models/tiny/gallery/', import.meta.url).pathname;

test('demo: videos import, show a frame and a time badge, and open at the moment found', { skip, timeout: 240000 }, async () => {
  const files = ['video-shapes.webm', 'video-colors.webm', 'scene-000.png', 'scene-001.jpg', 'scene-002.jpg'].map((f) => gallery + f);
  await withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/web/demo/?backend=wasm`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
    await page.setInputFiles('[data-testid=import-input]', files);
    await page.waitForFunction(() => /Added 5, skipped 0 unchanged, 0 failed/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 120000 })
      .catch((err) => { throw new Error(`${err.message}\n${logs.join("\n")}`); });
    await page.fill('[data-testid=search-input]', 'blue square');
    await page.waitForFunction(() => document.getElementById('results').dataset.query === 'blue square', null, { timeout: 60000 });
    const first = await page.$eval('#results [data-testid=result], #more-results [data-testid=result]', (e) => ({
      id: e.dataset.id, badge: e.querySelector('[data-testid=time-badge]')?.textContent, still: e.querySelector('.photo video')?.getAttribute('src') ?? '',
      label: e.querySelector('.photo').getAttribute('aria-label'),
    }));
    assert.equal(first.id, 'video-shapes.webm', JSON.stringify(first));
    assert.match(first.badge, /^▶ 0:0[345]$/);
    assert.match(first.still, /^blob:.*#t=[345](\.\d+)?$/);
    assert.match(first.label, /play from 0:0[345]/);
    await page.click('#results [data-testid=result] .photo, #more-results [data-testid=result] .photo');
    await page.waitForFunction(() => document.getElementById('lightbox').open && !document.getElementById('lb-video').hidden && document.getElementById('lb-video').readyState >= 1, null, { timeout: 30000 });
    const player = await page.$eval('#lb-video', (v) => ({ time: v.currentTime, img: document.getElementById('lb-img').hidden }));
    assert.ok(player.time >= 3 && player.time < 6, `the preview starts at ${player.time}`);
    assert.equal(player.img, true);
    assert.deepEqual(logs.filter((l) => /Content Security Policy|pageerror/.test(l)), []);
  });
});
