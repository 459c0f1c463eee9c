// One memory measurement of FlatIndex in a fresh process (a WASM heap only grows, so each needs its own):
//   node --expose-gc memory_child.mjs add  STORAGE N BATCH [SAVE_TO]   adds N x 512 random unit vectors
//   node --expose-gc memory_child.mjs load FILE                       FlatIndex.fromBytes of a saved index
//   node --expose-gc memory_child.mjs library-save N FILE             saves a library of N items (30% captioned)
//   node --expose-gc memory_child.mjs library-open FILE               Library.open of it, with the peak RSS
//                                                                     during the open (VmHWM, reset first)
// Prints one JSON line: WASM heap size (and heap0, its size once the module loaded), RSS growth from
// just after the module loaded, and the raw bytes of the stored vectors (n x dim x 4/2/1, plus the
// 4-byte i8 scales).
import { readFileSync, writeFileSync } from 'node:fs';
import { FlatIndex, Library, loadWasm } from 'clipfind';
import { randomUnit } from './vectors.mjs';

const BYTES = { f32: 4, f16: 2, i8: 1 };
const rawBytes = (storage, n, dim) => n * dim * BYTES[storage] + (storage === 'i8' ? n * 4 : 0);

// A /proc/self/status field in bytes (VmHWM: peak resident set size).
function procStatus(field) {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]) * 1024;
}

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
} else if (mode === 'library-save') {
  const [n, file] = [Number(args[0]), args[1]];
  const dim = 512, vectors = randomUnit(n, dim, 7);
  let next = 0;
  const model = {
    info: { id: 'bench@1', name: 'bench', family: 'clip', dim },
    async embedImages(images) { return vectors.slice(next * dim, (next += images.length) * dim); },
    async embedTexts(texts) { return randomUnit(texts.length, dim, texts.length + texts[0].length); },
  };
  const lib = await Library.create(model);
  const items = Array.from({ length: n }, (_, i) => ({ id: `photos/IMG_${i}.jpg`, image: new Uint8Array([i & 255, i >> 8, i >> 16]), caption: i % 10 < 3 ? `caption ${i}` : undefined }));
  await lib.add(items, { batchSize: 1000 });
  await lib.save(file);
  console.log(JSON.stringify({ n: lib.size }));
} else if (mode === 'library-open') {
  const model = { info: { id: 'bench@1', name: 'bench', family: 'clip', dim: 512 } };
  const base = await baseline();
  // Linux: '5' resets the peak RSS to the current one, so VmHWM afterwards is the open's own peak.
  writeFileSync('/proc/self/clear_refs', '5');
  const lib = await Library.open(args[0], model);
  const peak = procStatus('VmHWM');
  await settle();
  let captioned = 0;
  for (const it of lib.items()) captioned += it.caption ? 1 : 0;
  const raw = (lib.size + captioned) * 512 * 4;
  const M = base.M;
  console.log(JSON.stringify({ n: lib.size, captioned, raw, heap0: base.heap0, heap: M.HEAPU8.length, rssGrowth: process.memoryUsage().rss - base.rss0, peakGrowth: peak - base.rss0 }));
} else {
  throw new Error(`usage: memory_child.mjs add STORAGE N BATCH [SAVE_TO] | load FILE | library-save N FILE | library-open FILE`);
}
