#!/usr/bin/env node
// Screenshots of the demo as a new user sees it, desktop (1280×900) and phone (390×844):
// first load, indexing, the library view, results, the preview, an image query, a video found at its
// moment and a sound found by text, written to
// artifacts/screenshots/. Not a test: for people reviewing the page (issue 16).
//   node scripts/screenshots.mjs [--dark]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { withBrowser } from '../tests/js/helpers/browser.mjs';

const out = new URL('../artifacts/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const scheme = process.argv.includes('--dark') ? 'dark' : 'light';
const sizes = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

await withBrowser(async ({ browser, origin }) => {
  for (const { name, ...options } of sizes) {
    const context = await browser.newContext({ ...options, colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`${name}: pageerror ${e.message}`));
    const shot = async (step) => {
      await page.waitForTimeout(150); // let images paint
      const file = `${out}${name}${scheme === 'dark' ? '-dark' : ''}-${step}.png`;
      await page.screenshot({ path: file });
      console.log(file);
    };
    await page.goto(`${origin}/web/demo/?backend=wasm&sw=0`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 60000 });
    await shot('1-first-load');
    await page.click('#sample');
    await page.waitForFunction(() => /^Indexing ([3-9]\d|1\d\d) of/.test(document.getElementById('progress-text').textContent), null, { timeout: 60000 });
    await shot('2-indexing');
    await page.waitForFunction(() => /Added 20\d/.test(document.getElementById('status').textContent), null, { timeout: 180000 });
    await shot('3-library');
    await page.fill('#search', 'black circle');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => document.getElementById('results').dataset.query === 'black circle' && document.body.dataset.state !== 'searching');
    await page.locator('#photos-heading').scrollIntoViewIfNeeded();
    await shot('4-results');
    await page.focus('#results li.card button.photo');
    await page.keyboard.press('Space');
    await page.waitForSelector('#lightbox[open]');
    await page.waitForFunction(() => document.getElementById('lb-img').complete);
    await shot('5-preview');
    await page.click('#lb-more');
    await page.waitForFunction(() => !document.getElementById('query-chip').hidden && document.body.dataset.state !== 'searching');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('6-image-query');
    // The sample videos: a shape found at its moment (time badge on the frame that matched).
    await page.click('#query-chip button').catch(() => {});
    await page.fill('#search', 'blue square');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => document.getElementById('results').dataset.query === 'blue square' && document.body.dataset.state !== 'searching');
    await page.locator('#photos-heading').scrollIntoViewIfNeeded();
    await shot('7-video-result');
    // The sample sounds, searched by text with the built-in sound model.
    await page.click('#sample-sounds');
    await page.waitForFunction(() => /Added 8/.test(document.getElementById('status').textContent), null, { timeout: 120000 });
    await page.fill('#search', 'a rising sweep');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => document.getElementById('results').dataset.query === 'a rising sweep' && document.body.dataset.state !== 'searching');
    await page.locator('#photos-heading').scrollIntoViewIfNeeded();
    await shot('8-sound-result');
    await context.close();
  }
}, { webgpu: false, roots: ['web', 'models'] });

// Smaller files: 256-colour PNGs (PIL, when there), so that each stays under ~300 KB in git.
const shots = readdirSync(out).filter((f) => f.endsWith('.png')).map((f) => out + f);
try {
  execFileSync('/usr/bin/python3', ['-c', `
import sys
from PIL import Image
for p in sys.argv[1:]:
    Image.open(p).convert('RGB').quantize(256, method=Image.Quantize.MEDIANCUT).save(p, optimize=True)
`, ...shots]);
} catch (err) {
  console.error(`PNGs left as they are (${err.message.split('\n')[0]})`);
}
