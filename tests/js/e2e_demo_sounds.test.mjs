// The demo with sounds: "Add sample sounds" indexes models/sound/gallery/ with the built-in sound model
// beside the photo library; a text query finds the right sound first, its card has a player that plays
// under the demo's CSP (media-src blob:), and the sounds are still there after a reload. (The toy
// model's text tower knows only its captions, so its null bank rarely calls a sound relevant: the
// closest sounds show dimmed, and the right one is first among them.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();

async function search(page, q) {
  await page.fill('[data-testid=search-input]', q);
  await page.waitForFunction((qq) => document.getElementById('results').dataset.query === qq, q, { timeout: 60000 });
  // relevant results in #results, the closest others (shown dimmed when nothing is relevant) after them
  return page.$$eval('#results [data-testid=result], #more-results [data-testid=result]', (els) => els.map((e) => e.dataset.id));
}

test('demo: sample sounds are indexed, found by text and playable', { skip, timeout: 240000 }, async () => {
  await withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/web/demo/?backend=wasm&sw=0`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
    await page.click('[data-testid=sample-sounds]');
    await page.waitForFunction(() => {
      const p = document.querySelector('[data-testid=progress]');
      return /Added/.test(document.querySelector('[data-testid=status]').textContent) && p.dataset.total !== '0' && p.dataset.done === p.dataset.total;
    }, null, { timeout: 120000 }).catch(async (err) => { throw new Error(`${err.message}\n${await page.textContent('[data-testid=status]')}\n${logs.slice(-10).join('\n')}`); });
    assert.match(await page.textContent('[data-testid=status]'), /Added 8/);
    for (const [q, file] of [['a rising sweep', 'rising-sweep.mp3'], ['fast beeps', 'fast-beeps.mp3'], ['a chord', 'chord.mp3']]) {
      const ids = await search(page, q);
      assert.equal(ids[0], `sample-sounds/${file}`, `${q}: ${ids.slice(0, 3)}; status: ${await page.textContent("[data-testid=status]")}; ${logs.slice(-5).join(" / ")}`);
    }
    const duration = await page.$eval('[data-testid=result] audio', (a) => new Promise((resolve, reject) => {
      a.onloadedmetadata = () => resolve(a.duration);
      a.onerror = () => reject(new Error(`audio error ${a.error?.code}`));
      a.preload = 'metadata';
      a.load();
    }));
    assert.ok(duration > 0.5, `the player loads the sound (${duration} s)`);
    await page.reload();
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
    assert.equal((await search(page, 'a falling sweep'))[0], 'sample-sounds/falling-sweep.mp3');
  }, { webgpu: false, roots: ['web', 'models'] });
});
