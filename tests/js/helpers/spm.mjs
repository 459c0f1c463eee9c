// Trains SentencePiece models with Debian's spm_train and converts them to HF tokenizer.json the way
// transformers' SpmConverter does (vocab + scores; BPE merges recovered from the vocabulary), so the
// same model can be run by clipfind and by spm_encode.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function haveSpm() {
  return spawnSync('spm_train', ['--help'], { encoding: 'utf8' }).status !== null &&
    spawnSync('which', ['spm_encode']).status === 0;
}

export function trainSpm(lines, { type, vocabSize = 1000, byteFallback = false }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `clipfind-spm-${type}-`));
  const input = path.join(dir, 'corpus.txt');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const prefix = path.join(dir, 'm');
  execFileSync('spm_train', [
    `--input=${input}`, `--model_prefix=${prefix}`, `--vocab_size=${vocabSize}`, `--model_type=${type}`,
    '--normalization_rule_name=identity', '--hard_vocab_limit=false', '--character_coverage=0.98',
    `--byte_fallback=${byteFallback}`, '--num_threads=2', '--minloglevel=2', '--seed_sentencepiece_size=200000',
  ], { stdio: 'pipe' });
  execFileSync('spm_export_vocab', [`--model=${prefix}.model`, `--output=${prefix}.vocab`]);
  const vocab = readFileSync(`${prefix}.vocab`, 'utf8').split('\n').filter(Boolean).map((l) => {
    const tab = l.lastIndexOf('\t');
    return [l.slice(0, tab), Number(l.slice(tab + 1))];
  });
  return { dir, model: `${prefix}.model`, vocab, tokenizerJson: JSON.stringify(toTokenizerJson(vocab, type, byteFallback)) };
}

function toTokenizerJson(vocab, type, byteFallback) {
  const base = {
    version: '1.0',
    added_tokens: [
      { id: 0, content: '<unk>', special: true, normalized: false },
      { id: 1, content: '<s>', special: true, normalized: false },
      { id: 2, content: '</s>', special: true, normalized: false },
    ],
    // spm's remove_extra_whitespaces under the identity rule: only U+0020 counts as whitespace, so
    // trim and collapse runs of it (HF's Strip would also take tabs and other Unicode spaces).
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Replace', pattern: { Regex: '^ +| +$' }, content: '' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
  };
  if (type === 'unigram') {
    return { ...base, model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: byteFallback } };
  }
  const ids = new Map(vocab.map(([p], i) => [p, i]));
  const merges = [];
  vocab.forEach(([piece, score]) => {
    const local = [];
    const chars = Array.from(piece);
    for (let i = 1; i < chars.length; i++) {
      const l = chars.slice(0, i).join(''), r = chars.slice(i).join('');
      if (ids.has(l) && ids.has(r)) local.push([l, r, score]);
    }
    local.sort((a, b) => ids.get(a[0]) - ids.get(b[0]) || ids.get(a[1]) - ids.get(b[1]));
    merges.push(...local);
  });
  merges.sort((a, b) => b[2] - a[2]); // stable: ties keep the order above
  return {
    ...base,
    model: { type: 'BPE', vocab: Object.fromEntries(ids), merges: merges.map(([l, r]) => [l, r]), unk_token: '<unk>', fuse_unk: true, byte_fallback: byteFallback },
  };
}

export function spmEncode(model, lines) {
  const out = execFileSync('spm_encode', [`--model=${model}`, '--output_format=id'], { input: `${lines.join('\n')}\n`, maxBuffer: 1 << 28 });
  const rows = out.toString('utf8').split('\n');
  return lines.map((_, i) => (rows[i] ? rows[i].split(' ').map(Number) : []));
}
