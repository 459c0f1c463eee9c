// Index memory at 100k x 512: WASM heap size and RSS growth after adds in batches of 1k and 10k and
// after fromBytes of the same index, each in a fresh process (memory_child.mjs), as ratios to the raw
// vector bytes. Goals (issue 21): heap <= 1.15x raw + 40 MB, RSS growth <= 1.25x raw + 60 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const child = new URL('../js/helpers/memory_child.mjs', import.meta.url).pathname;

function run(spawnSync, args) {
  const r = spawnSync(process.execPath, ['--expose-gc', child, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory_child ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function memoryBench({ spawnSync }) {
  const n = Number(process.env.BENCH_N ?? 100000);
  const dir = mkdtempSync(join(tmpdir(), 'clipfind-mem-'));
  const MB = 1e6;
  const line = (label, r) => {
    const heapGoal = 1.15 * r.raw + 40 * MB, rssGoal = 1.25 * r.raw + 60 * MB;
    const ok = r.heap <= heapGoal && r.rssGrowth <= rssGoal ? 'ok' : 'OVER';
    console.log(`  ${label.padEnd(22)} heap ${(r.heap / MB).toFixed(0).padStart(4)} MB = ${(r.heap / r.raw).toFixed(2)}x raw (goal <= ${(heapGoal / MB).toFixed(0)} MB), ` +
      `RSS +${(r.rssGrowth / MB).toFixed(0).padStart(4)} MB = ${(r.rssGrowth / r.raw).toFixed(2)}x raw (goal <= ${(rssGoal / MB).toFixed(0)} MB)  ${ok}`);
  };
  console.log(`${n} x 512 random unit vectors, one fresh process each; raw = the stored vector bytes`);
  try {
    for (const storage of ['f32', 'f16', 'i8']) {
      const file = join(dir, `${storage}.idx`);
      const raw = run(spawnSync, ['add', storage, String(n), '10000', file]);
      console.log(`  ${storage}: raw ${(raw.raw / MB).toFixed(1)} MB`);
      line('add, batches of 10k', raw);
      line('add, batches of 1k', run(spawnSync, ['add', storage, String(n), '1000']));
      line('fromBytes', run(spawnSync, ['load', file]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
