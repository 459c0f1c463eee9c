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
// (from the Origin Private File System). In both, the peak RSS during the open stays within the WASM
// heap it grows plus a quarter of the raw vectors (a chunk, the header, the JS item records): reading
// the whole file into JS first, as open once did, adds a full copy (1x raw) to the peak.
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

function checkOpen(where, r, peakGrowth) {
  const grown = r.heap - r.heap0;
  const what = `${where}: Library.open of ${r.size ?? r.n} items, ${r.captioned} captions, raw ${(r.raw / MB).toFixed(1)} MB; WASM heap ${(r.heap0 / MB).toFixed(1)} -> ${(r.heap / MB).toFixed(1)} MB, ` +
    `peak RSS +${(peakGrowth / MB).toFixed(1)} MB during the open`;
  console.log(what);
  assert.equal(r.captioned, 6000, what);
  assert.ok(r.raw >= 50 * MB, what);
  assert.ok(r.heap <= 1.2 * r.raw + 40 * MB, what);
  assert.ok(peakGrowth <= grown + 0.25 * r.raw, what);
}

test('Node: Library.open of a library with 53 MB of vectors never holds a second copy of it', () => {
  const r = measure('library-open', savedLibrary());
  checkOpen('Node', r, r.peakGrowth);
  assert.ok(r.rssGrowth <= 1.25 * r.raw + 60 * MB, `RSS +${(r.rssGrowth / MB).toFixed(1)} MB after the open`);
});

test('Chromium: Library.open from the Origin Private File System, WASM heap and renderer peak RSS', { skip: browserSkipReason() }, async () => {
  const file = savedLibrary();
  const r = await withBrowser(async ({ page, origin, logs }) => {
    await page.goto(`${origin}/tests/browser/library_memory.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 60000 });
    await page.evaluate((url) => window.storeLibrary(url, 'memory.clipfind'), `/build/memory-test/${basename(file)}`);
    const renderers = descendants('--type=renderer');
    assert.ok(renderers.length >= 1, 'found the renderer processes');
    const before = new Map(renderers.map((pid) => [pid, residentOf(pid).rss]));
    for (const pid of renderers) resetPeak(pid);
    const out = await page.evaluate(() => window.openStored('memory.clipfind')).catch((e) => {
      throw new Error(`${e.message}\n${logs.join('\n')}`);
    });
    // The page's renderer is the one whose peak grew the most.
    out.peakGrowth = Math.max(...renderers.map((pid) => residentOf(pid).peak - before.get(pid)));
    return out;
  }, { webgpu: false, roots: ['web', 'tests', 'build'], args: ['--js-flags=--expose-gc', '--enable-precise-memory-info'] });
  r.raw = (r.size + r.captioned) * 512 * 4;
  checkOpen('Chromium', r, r.peakGrowth);
});
