// npm run soak [-- N]: adds N (default 20,000) generated images to a library with the built-in model in
// Node and reports WASM heap, RSS and JS heap over time, the growth per item after warm-up beyond what
// the index itself must hold, and Embind's live value handles. Exits 1 on a leak.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library, Model } from 'clipfind';
import { loadWasm } from 'clipfind/internal';

const n = Number(process.argv[2] ?? 20000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-soak-'));
const trainDir = new URL('../../scripts/train-tiny/', import.meta.url).pathname;
execFileSync('/usr/bin/python3', ['-c', `
import sys
sys.path.insert(0, ${JSON.stringify(trainDir)})
from scenes import scene
for i in range(100):
    img, _, _ = scene(i, 31337)
    img.save(${JSON.stringify(dir)} + '/%d.png' % i)
`]);
const pool = Array.from({ length: 100 }, (_, i) => new Uint8Array(readFileSync(path.join(dir, `${i}.png`))));
// Bytes after PNG's IEND are ignored by decoders: every item is a distinct file with the same pixels.
const item = (i) => {
  const base = pool[i % pool.length];
  const bytes = new Uint8Array(base.length + 4);
  bytes.set(base);
  new DataView(bytes.buffer).setUint32(base.length, i);
  return { id: `soak/${i}.png`, image: bytes, caption: i % 4 === 0 ? `scene number ${i}` : undefined };
};

const M = await loadWasm();
const model = await Model.load(new URL('../../models/tiny/', import.meta.url).pathname, { backend: 'wasm' });
const library = await Library.create(model);
const samples = [];
const t0 = Date.now();
const step = 1000;
for (let done = 0; done < n; done += step) {
  const batch = Array.from({ length: Math.min(step, n - done) }, (_, k) => item(done + k));
  const summary = await library.add(batch, { batchSize: 32 });
  if (summary.failed.length) throw new Error(`soak: ${summary.failed.length} items failed: ${summary.failed[0].error}`);
  global.gc?.();
  const s = { items: library.size, wasmHeap: M.HEAPU8.length, indexBytes: library.memoryBytes, rss: process.memoryUsage().rss, jsHeap: process.memoryUsage().heapUsed, handles: M.count_emval_handles?.() ?? null };
  samples.push(s);
  console.log(`${s.items} items  ${((Date.now() - t0) / 1000).toFixed(0)} s  WASM heap ${(s.wasmHeap / 1e6).toFixed(1)} MB (indexes ${(s.indexBytes / 1e6).toFixed(1)} MB)  RSS ${(s.rss / 1e6).toFixed(0)} MB  JS heap ${(s.jsHeap / 1e6).toFixed(0)} MB  emval handles ${s.handles}`);
}
const slope = (key) => {
  const pts = samples.slice(Math.min(2, samples.length - 2));
  const mx = pts.reduce((a, p) => a + p.items, 0) / pts.length, my = pts.reduce((a, p) => a + p[key], 0) / pts.length;
  const num = pts.reduce((a, p) => a + (p.items - mx) * (p[key] - my), 0), den = pts.reduce((a, p) => a + (p.items - mx) ** 2, 0);
  return den ? num / den : 0;
};
const perItem = { index: slope('indexBytes'), wasmHeap: slope('wasmHeap'), rss: slope('rss'), jsHeap: slope('jsHeap') };
const excess = perItem.rss - perItem.index - perItem.jsHeap;
console.log(`after warm-up, bytes per added item: index ${perItem.index.toFixed(0)}, WASM heap ${perItem.wasmHeap.toFixed(0)}, RSS ${perItem.rss.toFixed(0)}, JS heap ${perItem.jsHeap.toFixed(0)} (metadata); RSS beyond index + metadata: ${excess.toFixed(0)} B/item`);
const handles = samples.map((s) => s.handles).filter((h) => h !== null);
if (handles.length) console.log(`emval handles: first ${handles[0]}, last ${handles.at(-1)}`);
library.close();
await model.close();
const leak = excess > 2048 || (handles.length > 1 && handles.at(-1) > handles[0] + 16);
console.log(leak ? 'LEAK suspected' : 'no leak: growth is the index and the metadata the library keeps by design');
process.exit(leak ? 1 : 0);
