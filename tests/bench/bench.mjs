// `npm run bench`: speed goals, reported as ratios against baselines measured in the same process.
// Not a test: nothing here asserts a time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FlatIndex } from 'clipfind';
import { randomUnit } from '../js/helpers/vectors.mjs';
import { indexBench } from './index_bench.mjs';
import { tokenizerBench } from './tokenizer_bench.mjs';
import { imageBench } from './image_bench.mjs';
import { modelBench } from './model_bench.mjs';
import { libraryBench } from './library_bench.mjs';
import { memoryBench } from './memory_bench.mjs';
import { multiVectorBench } from './multi_vector_bench.mjs';

const sections = { index: indexBench, memory: memoryBench, tokenizer: tokenizerBench, image: imageBench, library: libraryBench, model: modelBench, multivector: multiVectorBench };
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, run] of Object.entries(sections)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  await run({ FlatIndex, randomUnit, spawnSync, existsSync });
}
