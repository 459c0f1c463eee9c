// One memory measurement of FlatIndex in a fresh process (a WASM heap only grows, so each needs its own):
//   node --expose-gc memory_child.mjs add  STORAGE N BATCH [SAVE_TO]   adds N x 512 random unit vectors
//   node --expose-gc memory_child.mjs load FILE                       FlatIndex.fromBytes of a saved index
// Prints one JSON line: WASM heap size (and heap0, its size once the module loaded), RSS growth from
// just after the module loaded, and the raw bytes of the stored vectors (n x dim x 4/2/1, plus the
// 4-byte i8 scales).
import { readFileSync, writeFileSync } from 'node:fs';
import { FlatIndex } from 'clipfind';
import { loadWasm } from 'clipfind/internal';
import { randomUnit } from './vectors.mjs';

const BYTES = { f32: 4, f16: 2, i8: 1 };
const rawBytes = (storage, n, dim) => n * dim * BYTES[storage] + (storage === 'i8' ? n * 4 : 0);

async function baseline() {
  const M = await loadWasm();
  await settle();
  return { M, rss0: process.memoryUsage().rss, heap0: M.HEAPU8.length };
}

// Node frees large ArrayBuffers a moment after they are collected.
async function settle() {
  global.gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  global.gc();
}

async function report({ M, rss0, heap0 }, index, extra) {
  await settle();
  const rss = process.memoryUsage().rss;
  const raw = rawBytes(index.storage, index.size, index.dim);
  console.log(JSON.stringify({ storage: index.storage, n: index.size, raw, heap0, heap: M.HEAPU8.length, rssGrowth: rss - rss0, ...extra }));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'add') {
  const [storage, n, batch, saveTo] = [args[0], Number(args[1]), Number(args[2]), args[3]];
  const dim = 512;
  const base = await baseline();
  const index = await FlatIndex.create({ dim, storage });
  const vectors = new Float32Array(batch * dim); // the caller's batch, one buffer reused (and counted)
  for (let at = 0; at < n; at += batch) {
    const count = Math.min(batch, n - at);
    index.add(Array.from({ length: count }, (_, i) => `photo-${at + i}`), randomUnit(count, dim, 1000 + at, vectors.subarray(0, count * dim)));
  }
  await report(base, index, { batch });
  if (saveTo) writeFileSync(saveTo, index.toBytes());
} else if (mode === 'load') {
  const base = await baseline();
  let bytes = readFileSync(args[0]);
  const index = await FlatIndex.fromBytes(bytes);
  bytes = null; // the caller's copy of the file; what stays is the index
  await report(base, index, { fromBytes: true });
} else {
  throw new Error(`usage: memory_child.mjs add STORAGE N BATCH [SAVE_TO] | load FILE`);
}
