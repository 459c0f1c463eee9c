// Batch encoding throughput (tokens/s) on the test corpus: clipfind WASM vs transformers.js, same
// process, same CLIP tokenizer files (tests/fixtures/clip-vit-base-patch32), padding to 77 as a text tower needs.
import { existsSync, readFileSync } from 'node:fs';
import { Tokenizer } from 'clipfind';
import { buildCorpus, fixturesDir } from '../js/helpers/corpus.mjs';

export async function tokenizerBench() {
  const dir = `${fixturesDir}clip-vit-base-patch32`;
  if (!existsSync(`${dir}/tokenizer.json`)) {
    console.log(`  skipped: ${dir} is absent`);
    return null;
  }
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = fixturesDir;
  const ref = await AutoTokenizer.from_pretrained('clip-vit-base-patch32');
  const tok = await Tokenizer.fromFiles({ tokenizer: readFileSync(`${dir}/tokenizer.json`, 'utf8'), config: readFileSync(`${dir}/tokenizer_config.json`, 'utf8') });
  const base = buildCorpus({ minSize: 8200 });
  const batch = 64;
  const run = (fn) => {
    let tokens = 0;
    const t0 = performance.now();
    for (let i = 0; i < base.length; i += batch) tokens += fn(base.slice(i, i + batch));
    return { tokens, ms: performance.now() - t0 };
  };
  const ours = () => run((texts) => {
    const { attentionMask } = tok.encodeBatch(texts, { padding: 'max_length' });
    let n = 0;
    for (const m of attentionMask) n += Number(m);
    return n;
  });
  const theirs = () => run((texts) => {
    const { attention_mask: m } = ref(texts, { padding: 'max_length', max_length: 77, truncation: true });
    let n = 0;
    for (const x of m.data) n += Number(x);
    return n;
  });
  ours(); theirs(); // warm-up (caches, JIT)
  const a = ours(), b = theirs();
  const rate = (r) => r.tokens / (r.ms / 1000);
  console.log(`${base.length} texts, batches of ${batch}, padded to 77`);
  console.log(`  clipfind WASM     ${(rate(a) / 1000).toFixed(0)}k tokens/s (${a.ms.toFixed(0)} ms)`);
  console.log(`  transformers.js   ${(rate(b) / 1000).toFixed(0)}k tokens/s (${b.ms.toFixed(0)} ms)`);
  console.log(`  ratio             ${(rate(a) / rate(b)).toFixed(2)}x (goal >= 5x)`);
  tok.close();
  return { ours: rate(a), theirs: rate(b) };
}
