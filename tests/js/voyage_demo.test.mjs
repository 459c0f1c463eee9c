// The demo's opt-in to the remote model, in Chromium, against the Voyage mock (another origin, allowed
// by the page's policy only because the server was told so, as CLIPFIND_REMOTE_HOST does): nothing
// reaches it before the person agrees (cancelling sends nothing; the default endpoint is refused by
// the policy); after "Send to Voyage AI" the badge stays in view, photos and searches go to the mock in
// the documented shape, and the key is not stored unless "remember" was ticked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { startMockVoyage } from './helpers/mock_voyage.mjs';

const skip = browserSkipReason();

function photo(dir, name, rgb) {
  const c = createCanvas(80, 60);
  const ctx = c.getContext('2d');
  ctx.fillStyle = `rgb(${rgb.join(',')})`;
  ctx.fillRect(0, 0, 80, 60);
  const file = path.join(dir, name);
  writeFileSync(file, c.toBuffer('image/png'));
  return file;
}

test('demo: Voyage only after explicit consent; badge, key in memory only, requests in the documented shape', { skip, timeout: 120000 }, async () => {
  const mock = await startMockVoyage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-voyage-demo-'));
  const red = photo(dir, 'red.png', [220, 30, 30]);
  const blue = photo(dir, 'blue.png', [30, 60, 220]);
  try {
    await withBrowser(async ({ page, origin, requests, logs }) => {
      await page.goto(`${origin}/web/demo/?backend=wasm`);
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 60000 });
      assert.equal(await page.isHidden('[data-testid=remote-badge]'), true);
      // The built-in model first: a photo in, a search: nothing goes to the mock.
      await page.setInputFiles('[data-testid=import-input]', [red]);
      await page.waitForFunction(() => /Added 1\b/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 60000 });

      // Choosing Voyage opens the consent; the default endpoint is not in this page's policy.
      await page.selectOption('#model-select', 'voyage');
      await page.waitForSelector('[data-testid=voyage-consent][open]');
      assert.match(await page.textContent('#voyage-consent'), /sends to\s+Voyage AI at https:\/\/api\.voyageai\.com/);
      assert.equal(await page.isVisible('#voyage-csp'), true);
      await page.fill('[data-testid=voyage-key]', mock.key);
      assert.equal(await page.isDisabled('[data-testid=voyage-send]'), true, 'the page policy does not allow api.voyageai.com here');
      await page.fill('[data-testid=voyage-endpoint]', mock.url);
      assert.equal(await page.isHidden('#voyage-csp'), true);
      assert.match(await page.textContent('#voyage-where'), new RegExp(mock.url.replace(/[.]/g, '\\.')));
      assert.equal(await page.isEnabled('[data-testid=voyage-send]'), true);
      await page.click('[data-testid=voyage-cancel]');
      await page.waitForFunction(() => /Nothing was sent/.test(document.querySelector('[data-testid=status]').textContent));
      assert.equal(mock.requests.length + mock.stats.unauthorized, 0, 'cancel sent nothing');
      assert.equal(await page.isHidden('[data-testid=remote-badge]'), true);
      assert.ok(!requests.some((u) => u.startsWith(mock.url) || u.includes('voyageai.com')), 'no request to the remote origin');

      // Now agree (without "remember").
      await page.selectOption('#model-select', 'voyage');
      await page.waitForSelector('[data-testid=voyage-consent][open]');
      await page.fill('[data-testid=voyage-key]', mock.key);
      await page.fill('[data-testid=voyage-endpoint]', mock.url);
      assert.equal(await page.isChecked('[data-testid=voyage-remember]'), false);
      await page.click('[data-testid=voyage-send]');
      await page.waitForFunction(() => /voyage-multimodal-3 .* ready/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 30000 })
        .catch(async (err) => { throw new Error(`${err.message}\nstatus: ${await page.textContent('[data-testid=status]')} ${await page.textContent('#status-details')}\n${logs.join('\n')}\nmock: ${JSON.stringify(mock.violations)} ${mock.requests.length}`); });
      assert.equal(await page.isVisible('[data-testid=remote-badge]'), true);
      assert.match(await page.textContent('[data-testid=remote-badge]'), /127\.0\.0\.1:\d+/);
      assert.match(await page.textContent('[data-testid=backend]'), /^Remote/);
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
      assert.ok(!stored.includes(mock.key), 'the key is not stored without "remember"');

      const n0 = mock.requests.length;
      await page.setInputFiles('[data-testid=import-input]', [red, blue]);
      await page.waitForFunction(() => /Added 2\b/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 60000 });
      const images = mock.requests.slice(n0).filter((r) => r.inputs.some((i) => i.type));
      assert.equal(images.reduce((s, r) => s + r.inputs.length, 0), 2);
      assert.ok(images.every((r) => r.inputType === 'document'));
      await page.fill('[data-testid=search-input]', 'red');
      await page.waitForFunction(() => document.getElementById('results').dataset.query === 'red', null, { timeout: 30000 });
      const ids = await page.$$eval('#results [data-testid=result], #more-results [data-testid=result]', (els) => els.map((e) => e.dataset.id));
      assert.equal(ids[0], 'red.png');
      assert.ok(mock.requests.some((r) => r.inputType === 'query' && r.inputs.some((i) => i.text === 'red')));
      assert.equal(await page.isVisible('[data-testid=remote-badge]'), true, 'the badge stays while the remote model is in use');
      assert.ok(!logs.some((l) => l.includes(mock.key)), 'the key is in no console line');

      // Back on the device: the badge goes.
      await page.selectOption('#model-select', 'tiny');
      await page.waitForFunction(() => document.getElementById('remote-badge').hidden && /ready/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 60000 });
    }, { remoteHosts: [mock.url] });
  } finally {
    await mock.close();
  }
  assert.deepEqual(mock.violations, []);
});
