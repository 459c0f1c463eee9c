// A PDF in the demo, in Chromium: pdf.js loaded from web/vendor only when the PDF appears, its pages
// as thumbnails with their page numbers, a text query finding page 2 first, and the result's preview
// opening the kept PDF at that page. Nothing leaves the page's origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { scenePdf } from './helpers/pdf.mjs';

const skip = browserSkipReason();

test('demo: a PDF imports as page thumbnails; a text query finds page 2; its preview opens the PDF at page 2', { skip, timeout: 120000 }, async () => {
  const { pdf, query } = scenePdf();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-pdf-demo-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  await withBrowser(async ({ page, origin, requests, logs }) => {
    await page.goto(`${origin}/web/demo/?backend=wasm`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 60000 });
    assert.ok(!requests.some((u) => u.includes('pdfjs-dist')), 'pdf.js is not loaded before a PDF appears');
    await page.setInputFiles('[data-testid=import-input]', [file]);
    await page.waitForFunction(() => /Added 4\b/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 60000 })
      .catch((err) => { throw new Error(`${err.message}\n${logs.join('\n')}`); });
    assert.ok(requests.some((u) => u.endsWith('/web/vendor/pdfjs-dist/build/pdf.min.mjs')), 'pdf.js came from web/vendor');
    assert.ok(requests.some((u) => u.endsWith('/web/vendor/pdfjs-dist/build/pdf.worker.min.mjs')), 'its worker too');
    const badges = await page.$$eval('#library [data-testid=photo]', (els) => els.map((e) => [e.dataset.id, e.querySelector('[data-testid=page-badge]')?.textContent, e.querySelector('img').naturalWidth > 0]));
    assert.deepEqual(badges.sort(), [1, 2, 3, 4].map((n) => [`doc.pdf#page=${n}`, `p. ${n}`, true]));

    await page.fill('[data-testid=search-input]', query);
    await page.waitForFunction((q) => document.getElementById('results').dataset.query === q, query, { timeout: 30000 });
    const ids = await page.$$eval('#results [data-testid=result], #more-results [data-testid=result]', (els) => els.map((e) => e.dataset.id));
    assert.equal(ids[0], 'doc.pdf#page=2', `${query}: ${ids}`);
    await page.click('[data-testid=result][data-id="doc.pdf#page=2"] button.preview');
    await page.waitForFunction(() => document.getElementById('lightbox').open && !document.getElementById('lb-open-pdf').hidden, null, { timeout: 10000 });
    assert.equal(await page.textContent('#lb-title'), 'doc.pdf · page 2');
    const href = await page.getAttribute('[data-testid=lb-open-pdf]', 'href');
    assert.match(href, /^blob:http:\/\/127\.0\.0\.1:\d+\/[\w-]+#page=2$/);
    // The link's target is the PDF itself.
    const head = await page.evaluate(async (u) => new TextDecoder().decode((await (await fetch(u.split('#')[0])).arrayBuffer()).slice(0, 5)), href);
    assert.equal(head, '%PDF-');
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
  });
});
