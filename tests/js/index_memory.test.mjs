// The WASM heap holds the vectors, not copies of them (issue 21). Each case runs in a fresh process
// (helpers/memory_child.mjs: a WASM heap never shrinks): 41 MB of raw vectors (512-d: 20k f32, 40k
// f16, 80k i8) added in batches of 1k, and the saved index loaded back with fromBytes. The heap's growth past what the module had at start must
// stay within 1.15x the raw vector bytes + 8 MB (ids, one block per store, one 1 MiB transfer piece),
// and the 100k bounds must hold here too. A contiguous buffer that reallocates as it grows,
// or a second full copy on load, breaks both heap bounds (~2-3x raw at this size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
