// The demo with a real (small) model from a mock Hugging Face hub on other origins, through the
// CLIPFIND_MODEL_HOST mirror hook: the hub redirects .onnx files to a third origin as huggingface.co
// does; download progress, photos picked during the download, re-indexing on a model switch, search,
// and offline from the cache. Failures: a dropped download and its retry, a 404, a storage shortfall.
// The backend: 'auto' skips SwiftShader's software WebGPU adapter. No lost work: a page closed
// mid-import keeps the last checkpoint, and a second import while one runs is queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { startMockHub } from './helpers/mock_hub.mjs';

const skip = browserSkipReason();
if (skip) console.log(`# skipping demo model e2e: ${skip}`);
const fixture = new URL('../fixtures/models/clip/', import.meta.url).pathname;
const galleryDir = new URL('../../models/tiny/gallery/', import.meta.url).pathname;
const gallery = readdirSync(galleryDir).filter((f) => /\.(png|jpg)$/.test(f)).sort().map((f) => galleryDir + f);
const CLIP = 'Xenova/clip-vit-base-patch32';
const artifacts = new URL('../../artifacts/', import.meta.url).pathname;

const statusText = (page) => page.textContent('[data-testid=status]');

async function ready(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 120000 });
}

// Records every status line and every model download progress step (the page's own UI) from the start.
function recordUi(page) {
  return page.addInitScript(() => {
    window.__statuses = [];
    window.__downloads = [];
    document.addEventListener('DOMContentLoaded', () => {
      const status = document.getElementById('status');
      new MutationObserver(() => window.__statuses.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
      const bar = document.getElementById('model-progress');
      new MutationObserver(() => {
        if (!bar.hidden) window.__downloads.push({ file: bar.dataset.file, loaded: Number(bar.dataset.loaded), total: Number(bar.dataset.total) });
      }).observe(bar, { attributes: true });
    });
  });
}

async function waitStatus(page, re, timeout = 120000) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status').textContent), re.source, { timeout }).catch(async (err) => {
    throw new Error(`${err.message}\nwaiting for ${re}; status: ${await statusText(page)}`);
  });
  return statusText(page);
}

async function importDone(page) {
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid=progress]');
    return document.getElementById('progress-bar').hidden && p.dataset.total !== '0' && p.dataset.done === p.dataset.total;
  }, null, { timeout: 180000 });
}

// Searches and waits for `n` results (relevant ones and those behind "show more").
async function searchFinds(page, q, n) {
  await page.fill('[data-testid=search-input]', q);
  await page.waitForFunction(([qq, nn]) => document.getElementById('results').dataset.query === qq
    && document.querySelectorAll('#results [data-testid=result], #more-results [data-testid=result]').length === nn, [q, n], { timeout: 60000 })
    .catch(async (err) => { throw new Error(`${err.message}\nsearch "${q}": ${await statusText(page)}`); });
}

const photosIndexed = async (page) => Number(/(\d+) photos indexed/.exec(await statusText(page))?.[1] ?? -1);

test('demo: catalog model from a mock hub (302 to a third origin): progress, queued photos, re-index, search, offline', { skip, timeout: 240000 }, async () => {
  const hub = await startMockHub({ repos: { [CLIP]: { dir: fixture } } });
  try {
    await withBrowser(async ({ page, origin, requests, logs, stopServer }) => {
      await recordUi(page);
      await ready(page, `${origin}/web/demo/?backend=wasm`);
      // the served page allows the mirror's two origins (and only them) instead of the hub
      const connect = await page.$eval('meta[http-equiv=Content-Security-Policy]', (m) => /connect-src ([^;]+)/.exec(m.content)[1]);
      assert.equal(connect, `'self' blob: data: ${hub.origin} ${hub.cdnOrigin}`);
      // the picker states the dtype: q8 on WASM
      assert.match(await page.textContent('#dtype-hint'), /q8 indexes fastest on WASM/);
      assert.match(await page.$eval(`option[value="catalog:clip-vit-base-patch32"]`, (o) => o.textContent), /q8, download ~153 MB/);
      // six photos with the built-in model
      await page.setInputFiles('[data-testid=import-input]', gallery.slice(0, 6));
      await importDone(page);
      assert.equal(await photosIndexed(page), 6);

      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch32');
      await page.waitForFunction(() => !document.querySelector('[data-testid=model-progress]').hidden, null, { timeout: 30000 });
      // photos picked while the model downloads wait for it
      await page.setInputFiles('[data-testid=import-input]', gallery.slice(6, 8));
      await waitStatus(page, /2 photo\(s\) will be added when the model is ready/, 5000);
      await waitStatus(page, /Added 2, skipped 0 unchanged, 0 failed/);
      assert.match(await page.textContent('[data-testid=backend]'), /^WASM/);
      assert.equal(await page.$eval('[data-testid=model-select]', (s) => s.value), 'catalog:clip-vit-base-patch32');

      // download progress, with the sizes from Content-Length through the redirect
      const downloads = await page.evaluate(() => window.__downloads);
      for (const tower of ['text', 'vision']) {
        const file = `onnx/${tower}_model_quantized.onnx`;
        const size = statSync(`${fixture}onnx/${tower}_model.onnx`).size;
        const steps = downloads.filter((d) => d.file === file);
        assert.ok(steps.some((d) => d.loaded > 0 && d.loaded < d.total), `${file}: progress part-way (${JSON.stringify(steps.slice(0, 3))})`);
        assert.ok(steps.every((d) => d.total === size), `${file}: total is the Content-Length ${size}`);
        assert.ok(hub.requests.includes(`hub /${CLIP}/resolve/main/${file}`), `${file} asked of the hub`);
        assert.ok(hub.requests.some((r) => r.startsWith(`cdn /repos/${CLIP}/${file}?`)), `${file} fetched from the third origin after the 302`);
      }

      // a library belongs to one model: re-index the six photos with the new one
      await page.waitForSelector('[data-testid=switch-prompt]:not([hidden])');
      assert.match(await page.textContent('#switch-text'), /6 photo\(s\) are indexed with clipfind\/tiny-clip-shapes, not with clipfind-test\/clip/);
      await page.click('[data-testid=switch-reindex]');
      await waitStatus(page, /Re-indexed with clipfind-test\/clip: 6, skipped 0 unchanged, 0 failed/);
      assert.equal(await photosIndexed(page), 8);
      await searchFinds(page, 'a photo of a cat', 8);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: `${artifacts}demo-catalog-model.png`, fullPage: true });

      // offline: every server stopped, the model loads from the cache
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30000 });
      await hub.close();
      await stopServer();
      await page.reload();
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 120000 });
      const offline = await statusText(page);
      assert.match(offline, /clipfind-test\/clip \(q8\) ready on WASM.* 8 photos indexed/, `${offline}\n${logs.slice(-10).join('\n')}`);
      await searchFinds(page, 'a red circle', 8); // offline
      const foreign = requests.filter((u) => ![origin, hub.origin, hub.cdnOrigin, 'blob:', 'data:'].some((o) => u.startsWith(o)));
      assert.deepEqual(foreign, [], 'the page contacts only its origin and the model hosts');
    }, { webgpu: false, roots: ['web', 'models'], modelHosts: [hub.origin, hub.cdnOrigin] });
  } finally {
    await hub.close();
  }
});

test('demo: dropped download (clear message, retry works), 404 names the file, storage shortfall explained; auto skips SwiftShader', { skip, timeout: 240000 }, async () => {
  const hub = await startMockHub({ repos: { [CLIP]: { dir: fixture }, 'Xenova/clip-vit-base-patch16': { dir: fixture, omit: [/^onnx\/vision/] } } });
  try {
    await withBrowser(async ({ page, origin }) => {
      await ready(page, `${origin}/web/demo/`);
      // 'auto' finds SwiftShader (a fallback adapter), skips it, and says why; the dtype follows
      const adapter = await page.evaluate(async () => {
        const a = await navigator.gpu.requestAdapter();
        return { fallback: Boolean(a.info?.isFallbackAdapter ?? a.isFallbackAdapter), architecture: a.info?.architecture };
      });
      assert.ok(adapter.fallback || adapter.architecture === 'swiftshader', `SwiftShader expected: ${JSON.stringify(adapter)}`);
      assert.match(await page.textContent('[data-testid=backend]'), /^WASM \(software GPU skipped\)/);
      assert.equal(await page.$eval('[data-testid=dtype-select] option[value=auto]', (o) => o.textContent), 'auto: q8');

      // two photos with the built-in model (the library the switch below asks about)
      await page.setInputFiles('[data-testid=import-input]', gallery.slice(0, 2));
      await importDone(page);

      // the connection drops half-way through the vision model: a clear message, then Retry works
      hub.dropNext('onnx/vision_model_quantized.onnx');
      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch32');
      const dropped = await waitStatus(page, /download stopped/);
      assert.match(dropped, /^CLIP ViT-B\/32 \(OpenAI\): onnx\/vision_model_quantized\.onnx: the download stopped at [1-9]\d?% \(\d+ of 201163 bytes\).*try again/);
      assert.equal(await page.$eval('[data-testid=model-select]', (s) => s.value), 'tiny', 'the built-in model stays in use');
      await page.click('[data-testid=model-retry]');
      await waitStatus(page, /clipfind-test\/clip \(q8\) ready on WASM \(software GPU skipped\)/);
      // keep a separate library per model: the new one starts empty, the old one is untouched
      await page.waitForSelector('[data-testid=switch-prompt]:not([hidden])');
      await page.click('[data-testid=switch-keep]');
      assert.match(await statusText(page), /Keeping a separate library for clipfind-test\/clip \(0 photos\)/);
      assert.equal(await page.textContent('#library-size'), '0 photos');

      // a file the hub does not have: the message names it
      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch16');
      const missing = await waitStatus(page, /is missing/);
      assert.match(missing, /onnx\/vision_model_quantized\.onnx is missing: .*\/Xenova\/clip-vit-base-patch16\/resolve\/main\/onnx\/vision_model_quantized\.onnx answered HTTP 404/);
      assert.equal(await page.isVisible('[data-testid=model-retry]'), true);

      // not enough storage for a large model: explained before anything is downloaded. A nearly full
      // disk is simulated by lowering the quota estimate() reports (Chromium's DevTools quota
      // override, Storage.overrideQuotaForOrigin, does not reach estimate()).
      await page.addInitScript(() => {
        const real = StorageManager.prototype.estimate;
        StorageManager.prototype.estimate = async function estimate() {
          const e = await real.call(this);
          return { ...e, quota: e.usage + 30e6 };
        };
      });
      await ready(page, `${origin}/web/demo/`);
      const before = hub.requests.length;
      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-large-patch14');
      const quota = await waitStatus(page, /needs about/);
      assert.match(quota, /CLIP ViT-L\/14 \(OpenAI\): needs about 430 MB to be kept on this device, but the browser lets this page store only 30 MB more \(quota \d+ MB, \d+ MB used\)/);
      assert.equal(hub.requests.length, before, 'nothing was downloaded');
      assert.match(await page.textContent('[data-testid=model-retry]'), /Download anyway/);
      // the model in use (restored after the reload) is still the one downloaded above
      assert.equal(await page.$eval('[data-testid=model-select]', (s) => s.value), 'catalog:clip-vit-base-patch32');

      // webgpu can still be forced
      await ready(page, `${origin}/web/demo/?backend=webgpu`);
      assert.equal(await page.textContent('[data-testid=backend]'), 'WebGPU');
    }, { webgpu: true, roots: ['web', 'models'], modelHosts: [hub.origin, hub.cdnOrigin] });
  } finally {
    await hub.close();
  }
});

test('demo: a page closed mid-import keeps the last checkpoint; re-import skips it; a second import is queued', { skip, timeout: 240000 }, async () => {
  await withBrowser(async ({ page, origin, context }) => {
    const url = `${origin}/web/demo/?backend=wasm&sw=0`;
    await ready(page, url);
    await page.setInputFiles('[data-testid=import-input]', gallery);
    const at = await page.waitForFunction(() => {
      const p = document.querySelector('[data-testid=progress]');
      return Number(p.dataset.done) >= 100 && Number(p.dataset.saved) > 0 && { done: Number(p.dataset.done), saved: Number(p.dataset.saved), total: Number(p.dataset.total) };
    }, null, { timeout: 120000, polling: 50 }).then((h) => h.jsonValue());
    await page.close();
    console.log(`# closed at ${at.done}/${at.total}, last checkpoint ${at.saved} photos`);
    assert.equal(at.total, 200);
    assert.ok(at.done < 200, 'the page closed before the import finished');

    const again = await context.newPage();
    await recordUi(again);
    await ready(again, url);
    const kept = await photosIndexed(again);
    assert.ok(kept >= at.saved && kept < 200, `reopened: ${kept} photos, last checkpoint ${at.saved}`);
    // re-import everything, and pick the same files again while that runs: queued, never an error
    await again.setInputFiles('[data-testid=import-input]', gallery);
    await again.setInputFiles('[data-testid=import-input]', gallery.slice(0, 20));
    await waitStatus(again, /Added 0, skipped 20 unchanged, 0 failed/);
    const statuses = await again.evaluate(() => window.__statuses);
    const first = statuses.map((s) => /Added (\d+), skipped (\d+) unchanged, 0 failed.* 200 photos indexed/.exec(s)).find(Boolean);
    assert.ok(first, statuses.join('\n'));
    assert.equal(Number(first[2]), kept, 'the re-import skipped what was saved');
    assert.equal(Number(first[1]), 200 - kept);
    assert.ok(statuses.some((s) => /20 photo\(s\) will be added when the running import is done/.test(s)));
    assert.ok(!statuses.some((s) => /failed:|Import failed|already/.test(s)), statuses.join('\n'));
    assert.equal(await photosIndexed(again), 200);
  }, { webgpu: false, roots: ['web', 'models'] });
});

test('demo: the CSP is enforced on every redirect hop (a mirror that lists only itself cannot follow the 302)', { skip, timeout: 120000 }, async () => {
  const hub = await startMockHub({ repos: { [CLIP]: { dir: fixture } } });
  try {
    await withBrowser(async ({ page, origin }) => {
      await ready(page, `${origin}/web/demo/?backend=wasm&sw=0`);
      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch32');
      const blocked = await waitStatus(page, /failed/);
      assert.match(blocked, /onnx\/text_model_quantized\.onnx: download from http:\/\/127\.0\.0\.1:\d+ failed .*Content-Security-Policy/);
      assert.ok(hub.requests.includes(`hub /${CLIP}/resolve/main/onnx/text_model_quantized.onnx`), 'the hub (allowed) was asked');
      assert.deepEqual(hub.requests.filter((r) => r.startsWith('cdn ')), [], 'the redirect to the CDN (not allowed) was never followed');
    }, { webgpu: false, roots: ['web', 'models'], modelHosts: [hub.origin] });
  } finally {
    await hub.close();
  }
});

test('demo: re-indexing on a model switch can be cancelled; the libraries stay consistent, saved, and the rest re-indexes later', { skip, timeout: 120000 }, async () => {
  const hub = await startMockHub({ repos: { [CLIP]: { dir: fixture } }, sliceBytes: 1 << 20, sliceMs: 0 });
  const n = 24;
  try {
    await withBrowser(async ({ page, origin }) => {
      await recordUi(page);
      await ready(page, `${origin}/web/demo/?backend=wasm&sw=0`);
      await page.setInputFiles('[data-testid=import-input]', gallery.slice(0, n));
      await importDone(page);
      assert.equal(await photosIndexed(page), n);

      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch32');
      await page.waitForSelector('[data-testid=switch-prompt]:not([hidden])', { timeout: 60000 });
      // Cancel from inside the page as soon as a few photos are re-indexed (a click from here could
      // come after the end: this model is small and fast).
      const cancelledAt = page.evaluate(() => new Promise((resolve) => {
        const p = document.querySelector('[data-testid=progress]');
        new MutationObserver((_, obs) => {
          if (document.getElementById('progress-bar').hidden || Number(p.dataset.done) < 3) return;
          document.getElementById('cancel').click();
          obs.disconnect();
          resolve(Number(p.dataset.done));
        }).observe(document.body, { attributes: true, subtree: true });
      }));
      await page.click('[data-testid=switch-reindex]');
      const at = await cancelledAt;
      const cancelled = await waitStatus(page, /^Cancelled\. Re-indexed with clipfind-test\/clip: \d+/);
      const k = Number(/Re-indexed with clipfind-test\/clip: (\d+), skipped 0 unchanged, 0 failed .* (\d+) photos indexed/.exec(cancelled)?.[1] ?? -1);
      console.log(`# cancelled at ${at}/${n}: ${k} re-indexed`);
      assert.ok(k >= at && k < n, cancelled);
      assert.equal(await photosIndexed(page), k, 'the new model\'s library holds exactly what the summary says');
      await searchFinds(page, 'a photo of a cat', k);

      // saved as it was at the cancel
      await page.reload();
      await page.waitForFunction(() => window.clipfindReady === true, null, { timeout: 120000 });
      assert.match(await statusText(page), new RegExp(`clipfind-test/clip \\(q8\\) ready on WASM.* ${k} photos indexed`));
      // the built-in model's library is untouched
      await page.selectOption('[data-testid=model-select]', 'tiny');
      await waitStatus(page, new RegExp(`ready.* ${n} photos indexed`));
      // back to the catalog model: it offers the photos it lacks, and re-indexes them
      await page.selectOption('[data-testid=model-select]', 'catalog:clip-vit-base-patch32');
      await page.waitForSelector('[data-testid=switch-prompt]:not([hidden])', { timeout: 60000 });
      assert.match(await page.textContent('#switch-text'), new RegExp(`^${n - k} photo\\(s\\) are indexed with clipfind/tiny-clip-shapes`));
      await page.click('[data-testid=switch-reindex]');
      await waitStatus(page, new RegExp(`Re-indexed with clipfind-test/clip: ${n - k}, skipped 0 unchanged, 0 failed .* ${n} photos indexed`));
      await searchFinds(page, 'a photo of a cat', n);
    }, { webgpu: false, roots: ['web', 'models'], modelHosts: [hub.origin, hub.cdnOrigin] });
  } finally {
    await hub.close();
  }
});
