// npm run fuzz runs this beside the libFuzzer targets: mutates seed libraries for --seconds and
// checks each input with the oracle in library_bytes.mjs. A crash input is written to
// artifacts/fuzz/ (copy it to tests/fuzz/regressions/library_bytes/ once fixed: the suite replays it).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rng } from '../../js/helpers/vectors.mjs';
import { check, makeSeeds, mutate, parseSeeds } from './library_bytes.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) }, artifacts: { type: 'string', default: 'artifacts/fuzz' } } });
const seconds = Number(values.seconds);
const r = rng(Number(values.seed));
const seeds = await makeSeeds();
const parts = parseSeeds(seeds);
const outcomes = { rejected: 0, loaded: 0 };
let runs = 0;
let crashes = 0;
const deadline = Date.now() + seconds * 1000;
while (Date.now() < deadline && crashes === 0) {
  const input = mutate(r, seeds, parts);
  runs++;
  try {
    outcomes[await check(input)]++;
  } catch (err) {
    crashes++;
    mkdirSync(values.artifacts, { recursive: true });
    const file = `${values.artifacts}/fuzz_library_bytes-crash-${createHash('sha1').update(input).digest('hex')}`;
    writeFileSync(file, input);
    console.error(`crash: ${err?.stack ?? err}\ninput written to ${file}`);
  }
}
console.log(`fuzz_library_bytes: ${runs} executions in ${seconds}s (${outcomes.loaded} loaded, ${outcomes.rejected} rejected; seed ${values.seed}), ${crashes} crash(es)`);
process.exitCode = crashes ? 1 : 0;
