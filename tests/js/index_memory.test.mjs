// The WASM heap holds the vectors, not copies of them (issue 21). Each case runs in a fresh process
// (helpers/memory_child.mjs: a WASM heap never shrinks): 41 MB of raw vectors (512-d: 20k f32, 40k
// f16, 80k i8) added in batches of 1k, and the saved index loaded back with fromBytes. The heap's growth past what the module had at start must
// stay within 1.15x the raw vector bytes + 8 MB (ids, one block per store, one 1 MiB transfer piece),
// and the 100k bounds must hold here too. A contiguous buffer that reallocates as it grows,
// or a second full copy on load, breaks both heap bounds (~2-3x raw at this size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';
import { descendants, resetPeak, residentOf } from './helpers/proc_memory.mjs';

const child = new URL('./helpers/memory_child.mjs', import.meta.url).pathname;
const MB = 1e6;

function measure(...args) {
  const r = spawnSync(process.execPath, ['--expose-gc', child, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test('WASM heap and RSS stay near the raw vector bytes after adds and after fromBytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clipfind-memory-'));
  try {
    for (const [storage, n] of [['f32', 20000], ['f16', 40000], ['i8', 80000]]) {
      const file = join(dir, `${storage}.idx`);
      const added = measure('add', storage, String(n), '1000', file);
      const loaded = measure('load', file);
      for (const [how, r] of [['add', added], ['fromBytes', loaded]]) {
        const what = `${storage} ${how}: heap ${(r.heap0 / MB).toFixed(1)} -> ${(r.heap / MB).toFixed(1)} MB, RSS +${(r.rssGrowth / MB).toFixed(1)} MB, raw ${(r.raw / MB).toFixed(1)} MB`;
        console.log(what);
        assert.equal(r.n, n, what);
        assert.ok(r.heap - r.heap0 <= 1.15 * r.raw + 8 * MB, what);
        assert.ok(r.heap <= 1.15 * r.raw + 40 * MB, what);
        assert.ok(r.rssGrowth <= 1.25 * r.raw + 60 * MB, what);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Library.open streams the file into the indexes' WASM storage. One library of 20k items (30%
// captioned: 53 MB of raw vectors) is saved once and opened in a fresh Node process and in Chromium
// (from the Origin Private File System). In both, the peak RSS during the open exceeds the RSS the
// open leaves (the library itself, after a GC) by less than 0.75x the raw vectors (measured: Node
// ~0.12x, Chromium ~0.6x: read buffers, parsing garbage): reading the whole file into JS first, as
// open once did, adds a full copy of the file (> 1x raw) to that peak, freed afterwards.
const libraryDir = new URL('../../build/memory-test/', import.meta.url).pathname;
const libraryFile = join(libraryDir, 'library.clipfind');
let saved;
function savedLibrary() {
  if (!saved) {
    mkdirSync(libraryDir, { recursive: true });
    saved = measure('library-save', '20000', libraryFile);
    assert.equal(saved.n, 20000);
  }
  return libraryFile;
}

function checkOpen(where, r) {
  const what = `${where}: Library.open of ${r.size ?? r.n} items, ${r.captioned} captions, raw ${(r.raw / MB).toFixed(1)} MB; WASM heap ${(r.heap0 / MB).toFixed(1)} -> ${(r.heap / MB).toFixed(1)} MB, ` +
    `RSS +${(r.peakGrowth / MB).toFixed(1)} MB at the peak of the open, +${(r.rssGrowth / MB).toFixed(1)} MB after it`;
  console.log(what);
  assert.equal(r.captioned, 6000, what);
  assert.ok(r.raw >= 50 * MB, what);
  assert.ok(r.heap <= 1.2 * r.raw + 40 * MB, what);
  assert.ok(r.peakGrowth - r.rssGrowth <= 0.75 * r.raw, what);
  assert.ok(r.rssGrowth <= 1.25 * r.raw + 60 * MB, what);
}

test('Node: Library.open of a library with 53 MB of vectors never holds a second copy of it', () => {
  checkOpen('Node', measure('library-open', savedLibrary()));
});

test('Chromium: Library.open from the Origin Private File System, WASM heap and renderer peak RSS', { skip: browserSkipReason() }, async () => {
  const file = savedLibrary();
  const r = await withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/tests/browser/library_memory.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 60000 });
    await page.evaluate((url) => window.storeLibrary(url, 'memory.clipfind'), `/build/memory-test/${basename(file)}`);
    await page.evaluate(() => window.gc()); // the fetched copy of the file, before anything is measured
    const renderers = descendants('--type=renderer');
    assert.ok(renderers.length >= 1, 'found the renderer processes');
    const before = new Map(renderers.map((pid) => [pid, residentOf(pid).rss]));
    for (const pid of renderers) resetPeak(pid);
    const out = await page.evaluate(() => window.openStored('memory.clipfind')).catch((e) => {
      throw new Error(`${e.message}\n${logs.join('\n')}`);
    });
    // The page's renderer is the one whose peak grew the most.
    const grown = renderers.map((pid) => ({ ...residentOf(pid), before: before.get(pid) })).sort((a, b) => (b.peak - b.before) - (a.peak - a.before))[0];
    return { ...out, peakGrowth: grown.peak - grown.before, rssGrowth: grown.rss - grown.before };
  }, { webgpu: false, roots: ['web', 'tests', 'build'], args: ['--js-flags=--expose-gc', '--enable-precise-memory-info'] });
  r.raw = (r.size + r.captioned) * 512 * 4;
  checkOpen('Chromium', r);
});
