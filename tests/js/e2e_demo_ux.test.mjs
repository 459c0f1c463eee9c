// The demo as a person uses it, in Chromium: axe-core finds no serious or critical accessibility
// violation (light and dark) after loading, after indexing the sample gallery and with results shown;
// everything by keyboard alone (Tab, Enter, Space, arrows): import through the file chooser, search,
// preview, edit a caption, "more like this", remove the example photo; no stale state: empty,
// punctuation-only and over-long queries, and "Clear library" leaves no photo or result on screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();
if (skip) console.log(`# skipping demo UX e2e: ${skip}`);
const galleryDir = new URL('../../models/tiny/gallery/', import.meta.url).pathname;
const gallery = readdirSync(galleryDir).filter((f) => /\.(png|jpg)$/.test(f)).sort().slice(0, 8).map((f) => galleryDir + f);

// No violation of impact serious or critical, in the light and the dark colour scheme.
async function assertAccessible(page, when) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [], `axe, ${when}, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// Presses Tab (Shift+Tab with back) until the focused element matches `selector`.
async function tabTo(page, selector, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.closest('li.card')?.dataset.id ?? null);
const text = (page, sel) => page.textContent(sel);
const resultIds = (page) => page.$$eval('#results li.card, #more-results li.card', (els) => els.map((e) => e.dataset.id));
const waitQuery = (page, q) => page.waitForFunction((qq) => document.getElementById('results').dataset.query === qq && document.body.dataset.state !== 'searching', q, { timeout: 30000 });

test('demo UX: accessible (axe, light and dark), keyboard only, previews, no stale state', { skip, timeout: 180000 }, async () => {
  await withBrowser(async ({ page, origin, logs }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('dialog', (d) => d.accept()); // "Remove every photo?" is answered yes
    // What the progress row says, from the start (progress must show before the first photo is indexed).
    await page.addInitScript(() => {
      window.__progress = [];
      document.addEventListener('DOMContentLoaded', () => {
        const row = document.getElementById('progress-bar');
        new MutationObserver(() => { if (!row.hidden) window.__progress.push(document.getElementById('progress-text').textContent); })
          .observe(row, { attributes: true, childList: true, subtree: true, characterData: true });
      });
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${origin}/web/demo/?backend=wasm&sw=0`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 60000 });
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
    assert.match(await text(page, '#model-hint'), /knows colours, shapes, sizes and positions \(red, .*circle, .*small, large; left, .*\) — not cats or cars/);
    await assertAccessible(page, 'after loading');

    // Keyboard: "Add photos…" opens the file chooser; the photos appear in the library view.
    // (waiting for the chooser from the start: Playwright intercepts choosers only once asked to)
    const opened = page.waitForEvent('filechooser', { timeout: 20000 });
    await page.keyboard.press('Tab'); // the skip link, then the page in order
    await tabTo(page, '#add-photos');
    await page.keyboard.press('Enter');
    const chooser = await opened;
    assert.equal(chooser.isMultiple(), true);
    await chooser.setFiles(gallery);
    await page.waitForFunction(() => /Added 8, skipped 0 unchanged, 0 failed/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    assert.equal(await page.locator('#library li.card').count(), 8, 'the photos just added are shown');
    assert.match(await text(page, '#view-count'), /^8 photos\.$/);

    // "Index the sample gallery" (Space): progress shows while the files are still being fetched.
    await tabTo(page, '#sample');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.body.dataset.state === 'importing', null, { timeout: 5000 });
    await page.waitForFunction(() => /Added 202, skipped 0 unchanged, 0 failed.* 210 photos indexed/.test(document.getElementById('status').textContent), null, { timeout: 120000 });
    const progress = await page.evaluate(() => window.__progress);
    assert.ok(progress.some((p) => /^Fetching the sample gallery/.test(p)), `progress before indexing: ${progress.slice(0, 3)}`);
    assert.ok(progress.some((p) => /^Indexing \d+ of 202/.test(p)), progress.slice(-3).join(' | '));
    await assertAccessible(page, 'after indexing the sample gallery');

    // The library view sorts by name.
    await page.selectOption('#sort', 'name');
    await page.waitForFunction(() => document.querySelector('#library li.card')?.dataset.id === 'sample/scene-000.png');
    assert.equal(await page.locator('#library li.card').count(), 120, 'a page of 120, more on demand');
    assert.equal(await page.isVisible('#library-more'), true);

    // Search by keyboard.
    await tabTo(page, '#search', { back: true });
    await page.keyboard.type('blue square');
    await page.keyboard.press('Enter');
    await waitQuery(page, 'blue square');
    assert.equal(await page.isVisible('#library'), false, 'results replace the library view');
    assert.equal(await text(page, '#photos-heading'), 'Results for “blue square”');
    assert.match(await text(page, '#view-count'), /^(\d+\+? close match(es)? of 210 photos\.|No photos match “blue square” — showing the closest \d+\.)$/);
    assert.ok((await resultIds(page)).length > 0);
    await assertAccessible(page, 'with results');

    // Results are a list of focusable photos: Tab reaches the first, arrows move, Space previews.
    await tabTo(page, '#results li.card button.photo, #more-results:not([hidden]) li.card button.photo');
    const first = await focusedId(page);
    await page.keyboard.press('ArrowRight');
    const second = await focusedId(page);
    assert.ok(second && second !== first, `ArrowRight moves to the next photo (${first} -> ${second})`);
    await page.keyboard.press('Space');
    await page.waitForSelector('#lightbox[open]');
    assert.equal(await page.getAttribute('#lightbox', 'data-id'), second);
    assert.equal(await text(page, '#lb-title'), second.split('/').pop());
    assert.match(await text(page, '#lb-folder'), /^(sample|\(top level\))$/);
    assert.ok(await page.$eval('#lb-img', (img) => img.complete && img.naturalWidth > 0), 'the preview shows the photo');
    await assertAccessible(page, 'with the preview open');

    // Edit the caption: saved and re-embedded (the card then shows it).
    await tabTo(page, '#lb-caption', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('a blue square on a checked cloth');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'lb-save');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Caption saved/.test(document.getElementById('lb-caption-status').textContent));

    // "More like this" from the preview: the chip names the photo; the photo itself comes first.
    await tabTo(page, '#lb-more');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lightbox:not([open])', { state: 'attached' });
    await page.waitForFunction((id) => document.querySelector('#results li.card')?.dataset.id === id, second, { timeout: 30000 });
    assert.equal(await page.isVisible('#query-chip'), true);
    assert.equal(await text(page, '#query-chip-text'), `Like ${second.split('/').pop()}`);
    assert.equal(await text(page, '#photos-heading'), `Photos like ${second.split('/').pop()}`, 'the heading says what the results are for');
    assert.match(await text(page, '#view-count'), /^\d+\+? close match(es)? of 210 photos\.$/);
    assert.match(await page.textContent('#results li.card .caption'), /a blue square on a checked cloth/);
    // focus is on the first result; Enter there is "more like this" for it
    await page.waitForFunction(() => document.activeElement?.matches('#results button.photo'));
    await page.keyboard.press('ArrowRight');
    const third = await focusedId(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('#results li.card')?.dataset.id === id, third, { timeout: 30000 });
    assert.equal(await text(page, '#query-chip-text'), `Like ${third.split('/').pop()}`);

    // The chip is removable by keyboard: back to all photos, no result left.
    await tabTo(page, '#query-chip-remove', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#library').hidden);
    assert.equal(await page.isVisible('#query-chip'), false);
    assert.equal(await page.locator('#results li, #more-results li').count(), 0);

    // Empty, punctuation-only and over-long queries: no error, nothing stale.
    await page.focus('#search');
    await page.keyboard.type('black circle');
    await page.keyboard.press('Enter');
    await waitQuery(page, 'black circle');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#library').hidden && document.querySelectorAll('#results li').length === 0);
    assert.match(await text(page, '#view-count'), /^210 photos\.$/, 'no stale count after the query is emptied');
    await page.keyboard.type(',,,');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Nothing to search for in “,,,”/.test(document.getElementById('view-count').textContent));
    assert.equal(await page.locator('#results li, #more-results li').count(), 0);
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(`${'small red circle on the left '.repeat(60)}`.trim());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /only its beginning was used/.test(document.getElementById('view-count').textContent), null, { timeout: 30000 });
    assert.match(await text(page, '#status'), /210 photos indexed/, 'searching leaves the library status as it was');

    // Clear library (keyboard): no photo, result, chip or count is left.
    await tabTo(page, '#clear');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset.state === 'cleared');
    assert.match(await text(page, '#status'), /Library cleared/);
    assert.equal(await page.locator('li.card').count(), 0);
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.inputValue('#search'), '');
    assert.equal(await text(page, '#library-size'), '0 photos');
    assert.equal(await page.isVisible('#empty'), true);
    await page.focus('#search');
    await page.keyboard.type('blue');
    await page.keyboard.press('Enter');
    await waitQuery(page, 'blue');
    assert.equal(await page.locator('li.card').count(), 0, 'a search in the empty library finds nothing');

    assert.deepEqual(errors, [], logs.slice(-10).join('\n'));
  }, { webgpu: false, roots: ['web', 'models'] });
});
