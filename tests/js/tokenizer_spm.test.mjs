// SentencePiece parity: Unigram and BPE models trained here with spm_train, converted to
// tokenizer.json, encoded by clipfind and by spm_encode on the same corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tokenizer } from 'clipfind';
import { buildCorpus, trainingSentences } from './helpers/corpus.mjs';
import { haveSpm, spmEncode, trainSpm } from './helpers/spm.mjs';

// The reference is installed by scripts/setup.sh: without it the suite fails, it never skips parity.
if (!haveSpm()) throw new Error('spm_train/spm_encode (Debian package sentencepiece) not installed (scripts/setup.sh installs it)');

// spm_encode reads one sentence per line, so line breaks cannot be part of an input.
const corpus = () => buildCorpus().map((t) => t.replace(/[\r\n\u2028\u2029\u0085]/g, ' ')).filter((t, i, a) => a.indexOf(t) === i);

for (const [type, byteFallback] of [['unigram', false], ['bpe', false], ['bpe', true], ['unigram', true]]) {
  test(`SentencePiece ${type}${byteFallback ? ' with byte fallback' : ''}: identical ids to spm_encode`, async () => {
    const lines = corpus();
    const spm = trainSpm([...trainingSentences(6000), ...lines], { type, byteFallback, vocabSize: 1200 });
    const tok = await Tokenizer.fromFiles({ tokenizer: spm.tokenizerJson });
    const want = spmEncode(spm.model, lines);
    const mismatches = [];
    lines.forEach((text, i) => {
      const got = Array.from(tok.encode(text));
      if (JSON.stringify(got) !== JSON.stringify(want[i])) mismatches.push({ text, got, want: want[i] });
    });
    console.log(`# ${type}${byteFallback ? '+byte_fallback' : ''}: vocab ${spm.vocab.length}, ${lines.length} inputs, ${mismatches.length} mismatches`);
    for (const m of mismatches.slice(0, 8)) {
      console.log(`# input ${JSON.stringify(m.text)}\n#   clipfind   ${JSON.stringify(m.got)}\n#   spm_encode ${JSON.stringify(m.want)}`);
    }
    assert.equal(mismatches.length, 0);
    tok.close();
  });
}
