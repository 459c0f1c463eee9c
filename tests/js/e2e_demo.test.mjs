// The demo in real Chromium: import a folder of generated images with captions, search with the
// built-in model, reload (library kept), go offline and reload, WebGPU and WASM runs, hostile
// captions stay text, the CSP holds, and no request leaves the page's origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { havePil } from './helpers/pil.mjs';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason() || (havePil() ? false : 'python3-pil is needed to draw the test photos');
if (skip) console.log(`# skipping demo e2e: ${skip}`);
const artifacts = new URL('../../artifacts/', import.meta.url).pathname;
const XSS = '<img src=x onerror="window.__xss=1">';

// A folder of single-shape photos whose colours are known, plus a captions.json sidecar.
function makeFolder() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-e2e-'));
  const folder = path.join(dir, 'holiday');
  mkdirSync(path.join(folder, 'day2'), { recursive: true });
  execFileSync('/usr/bin/python3', ['-c', `
from PIL import Image, ImageDraw
specs = [('red', (220, 30, 30), 'circle'), ('blue', (30, 60, 220), 'square'), ('green', (30, 170, 50), 'circle'),
         ('yellow', (240, 220, 30), 'square'), ('red2', (225, 25, 35), 'square'), ('purple', (140, 40, 180), 'circle')]
for i, (name, rgb, shape) in enumerate(specs):
    im = Image.new('RGB', (300, 240), (150, 150, 150))
    d = ImageDraw.Draw(im)
    box = [100, 70, 200, 170]
    (d.ellipse if shape == 'circle' else d.rectangle)(box, fill=rgb)
    sub = 'day2/' if i % 2 else ''
    im.save('${folder}/' + sub + name + ('.png' if i % 3 else '.jpg'))
`]);
  writeFileSync(path.join(folder, 'notes.txt'), 'not a photo');
  writeFileSync(path.join(folder, 'broken.jpg'), 'not a jpeg');
  writeFileSync(path.join(folder, 'captions.json'), JSON.stringify({ 'green.png': XSS, 'day2/blue.png': 'a blue square' }));
  const files = [];
  const walk = (d) => { for (const n of readdirSync(d, { withFileTypes: true })) (n.isDirectory() ? walk(path.join(d, n.name)) : files.push(path.join(d, n.name))); };
  walk(folder);
  return { folder, files };
}

async function importAndWait(page, files) {
  await page.setInputFiles('[data-testid=import-input]', files);
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid=progress]');
    return /Added/.test(document.querySelector('[data-testid=status]').textContent) && p.dataset.total !== '0' && p.dataset.done === p.dataset.total;
  }, null, { timeout: 180000 });
}

async function search(page, q) {
  await page.fill('[data-testid=search-input]', q);
  await page.waitForFunction((qq) => document.getElementById('results').dataset.query === qq, q, { timeout: 60000 });
  return page.$$eval('#results [data-testid=result], #more-results [data-testid=result]', (els) => els.map((e) => e.dataset.id));
}

for (const backend of (process.env.E2E_BACKENDS ?? 'wasm,webgpu').split(',')) {
  test(`demo (${backend}): ${backend === 'webgpu' ? 'import and search' : 'import, search, reload, offline, XSS and CSP, same-origin only'}`, { skip, timeout: 600000 }, async () => {
    const { files } = makeFolder();
    await withBrowser(async ({ page, origin, requests, logs, stopServer }) => {
      let dialogs = 0;
      page.on('dialog', (d) => { dialogs++; d.dismiss(); });
      await page.goto(`${origin}/web/demo/?backend=${backend}`);
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
      const shown = await page.textContent('[data-testid=backend]');
      assert.equal(shown.startsWith(backend === 'webgpu' ? 'WebGPU' : 'WASM'), true, `backend indicator says ${shown}; ${logs.join('\n')}`);
      // the files' relative paths are what a folder picker gives; setInputFiles gives names, so
      // import the folder through the same input with webkitRelativePath-less files
      await importAndWait(page, files);
      const failures = await page.textContent('#failures-list');
      assert.match(failures, /notes\.txt: not an image file/);
      assert.match(failures, /broken\.jpg: this file is not a photo this page can read \(damaged, or not an image\) \(INVALID_IMAGE: /, "plain words, then the code");
      const red = await search(page, 'red');
      assert.ok(/^red/.test(red[0]) || /^red2/.test(red[0]), `"red" should find a red photo first: ${red}`);
      const blue = await search(page, 'blue square');
      assert.equal(blue[0], 'blue.png', `"blue square" (with its caption) first: ${blue}`);
      // What follows (escaping, CSP, reload, offline, same-origin) does not depend on the backend, and on
      // SwiftShader each WebGPU page load costs ~30 s: the WebGPU run stops after the backend's own part.
      if (backend === 'webgpu') return;
      // hostile caption rendered as text
      await search(page, 'green');
      // relevant or behind "show more": wherever the card is, its caption is text
      await page.waitForSelector('[data-testid=result][data-id="green.png"] .caption', { state: 'attached' });
      const html = await page.$eval('main', (el) => el.innerHTML);
      assert.ok(html.includes('&lt;img src=x'), 'caption must be escaped text');
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.equal(dialogs, 0);
      // CSP: an injected inline script does not run, and the browser reports the violation
      const csp = await page.evaluate(() => new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: window.__inline === 1, directive: e.violatedDirective }), { once: true });
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.head.append(s);
        setTimeout(() => resolve({ ran: window.__inline === 1, directive: null }), 2000);
      }));
      assert.deepEqual(csp, { ran: false, directive: 'script-src-elem' });
      await page.screenshot({ path: path.join(artifacts, `demo-${backend}.png`), fullPage: true });
      // reload: the library is still there
      await page.reload();
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
      assert.match(await page.textContent('[data-testid=status]'), /6 photos indexed/);
      assert.ok((await search(page, 'red')).length > 0);
      // offline: the service worker serves the app, the WASM and the model
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30000 });
      await stopServer();
      await page.reload();
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 120000 }).catch(async (err) => {
        throw new Error(`${err.message}\nstatus: ${await page.textContent('[data-testid=status]')}\n${logs.filter((l) => !/ERR_CONNECTION_REFUSED|^HTTP 2/.test(l)).slice(-15).join('\n')}`);
      });
      assert.match(await page.textContent('[data-testid=status]'), /ready/, logs.filter((l) => l.startsWith('FAILED')).join('\n'));
      assert.ok((await search(page, 'purple')).length > 0, 'search works offline');
      const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'no request may leave the page origin');
    }, { webgpu: backend === 'webgpu', roots: ['web', 'models'] });
  });
}

test('demo on a plain static host (no COOP/COEP): single-threaded WASM, still searches', { skip, timeout: 300000 }, async () => {
  const { files } = makeFolder();
  await withBrowser(async ({ page, origin }) => {
    await page.goto(`${origin}/web/demo/?backend=wasm&sw=0`);
    await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 180000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.equal(await page.textContent('[data-testid=backend]'), 'WASM');
    await importAndWait(page, files.filter((f) => /\.(png|jpg)$/.test(f) && !f.endsWith('broken.jpg')));
    assert.ok((await search(page, 'yellow')).length > 0);
  }, { webgpu: false, roots: ['web', 'models'], isolation: false });
});
