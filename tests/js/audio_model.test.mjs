// CLAP models (Hugging Face ONNX layout): the random-weight test model made by PyTorch
// (scripts/train-sound/make_test_model.py) embeds its sounds (WAV through ffmpeg, C++ log-mel, ORT) and
// texts (RoBERTa-style tokenizer) within 1e-4 of the PyTorch reference; the C++ log-mel against the
// recorded Hugging Face ClapFeatureExtractor output; decoding of other formats and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidInputError, Model, Tokenizer } from 'clipfind';
import { loadWasm } from 'clipfind/internal';

const dir = new URL('../fixtures/models/clap/', import.meta.url).pathname;
const cases = new URL('../fixtures/clap-features/cases/', import.meta.url).pathname;
const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8'));

test('log-mel: the C++ ClapFeatureExtractor matches the Hugging Face reference within 1e-4 dB', async () => {
  const M = await loadWasm();
  const manifest = JSON.parse(readFileSync(path.join(cases, 'cases.json'), 'utf8'));
  const modes = new Set();
  for (const [name, c] of Object.entries(manifest)) {
    const pcm = readFileSync(path.join(cases, `${name}.pcm`));
    const samples = Float32Array.from(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2), (v) => v / 32768);
    const expected = new Float32Array(readFileSync(path.join(cases, `${name}.f32`)).buffer.slice(0));
    const ptr = M._malloc(samples.byteLength);
    new Float32Array(M.HEAPF32.buffer, ptr, samples.length).set(samples);
    const f = M.clapFeatures(JSON.stringify(c.config), ptr, samples.length, c.config.sampling_rate);
    M._free(ptr);
    assert.deepEqual([f.channels, f.frames, f.mels], c.shape, name);
    assert.equal(f.isLonger, c.isLonger, name);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - f.data[i]));
    assert.ok(worst <= 1e-4, `${name}: max abs ${worst}`);
    modes.add(`${c.config.truncation}/${c.config.padding}/${samples.length > c.config.max_length_s * c.config.sampling_rate ? 'long' : 'short'}`);
    console.log(`# ${name}: ${c.shape.join('x')}, max abs ${worst.toExponential(2)} dB`);
  }
  assert.ok(modes.size >= 5, `cases cover fusion and rand_trunc, long and short, each padding: ${[...modes]}`);
});

test('clap: the random-weight test model embeds sounds and texts within 1e-4 of PyTorch', async () => {
  const model = await Model.load(dir, { backend: 'wasm' });
  assert.equal(model.info.family, 'clap');
  const dim = model.info.dim;
  const audio = await model.embedAudio(ref.sounds.map((s) => readFileSync(path.join(dir, s.file))), { names: ref.sounds.map((s) => s.file) });
  assert.equal(audio.length, ref.sounds.length * dim);
  let worst = 0;
  ref.sounds.forEach((s, i) => s.embedding.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - audio[i * dim + j])); }));
  assert.ok(worst <= 1e-4, `audio max abs ${worst}`);
  const texts = await model.embedTexts(ref.texts.map((t) => t.text));
  let worstText = 0;
  ref.texts.forEach((t, i) => t.embedding.forEach((v, j) => { worstText = Math.max(worstText, Math.abs(v - texts[i * dim + j])); }));
  assert.ok(worstText <= 1e-4, `text max abs ${worstText}`);
  for (let i = 0; i < ref.sounds.length; i++) assert.ok(Math.abs(Math.hypot(...audio.subarray(i * dim, (i + 1) * dim)) - 1) < 1e-5);
  console.log(`# clap test model: dim ${dim}, audio max abs ${worst.toExponential(2)}, text max abs ${worstText.toExponential(2)}`);
  await assert.rejects(model.embedImages([new Uint8Array(4)]), (e) => e instanceof InvalidInputError && /CLAP/.test(e.message));
  await model.close();
});

test('clap: RoBERTa-style tokenizer.json (byte-level BPE, RobertaProcessing) gives the reference ids', async () => {
  const tok = await Tokenizer.fromFiles({ tokenizer: readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'), config: readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8') });
  for (const t of ref.texts) assert.deepEqual(Array.from(tok.encode(t.text)), t.ids, t.text);
  tok.close();
});

test('clap: FLAC, OGG and MP3 decode (ffmpeg), other rates are resampled, bad files are typed errors naming the file', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'clipfind-audio-'));
  try {
    const wav = path.join(dir, ref.sounds[0].file);
    const model = await Model.load(dir, { backend: 'wasm' });
    const dim = model.info.dim;
    const [base] = [await model.embedAudio([readFileSync(wav)])];
    const inputs = [];
    for (const [ext, args] of [['flac', []], ['ogg', ['-c:a', 'libvorbis', '-q:a', '8']], ['mp3', ['-b:a', '256k']], ['wav', ['-ar', '44100']]]) {
      const out = path.join(tmp, `x.${ext}`);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-i', wav, ...args, out]);
      inputs.push(readFileSync(out));
    }
    const got = await model.embedAudio(inputs);
    const cos = (i) => got.subarray(i * dim, (i + 1) * dim).reduce((s, v, j) => s + v * base[j], 0);
    assert.ok(cos(0) > 0.99999, `flac (lossless) cosine ${cos(0)}`);
    for (const i of [1, 2, 3]) assert.ok(cos(i) > 0.98, `lossy/resampled cosine ${cos(i)}`);
    const bad = [['empty.wav', new Uint8Array(0)], ['garbage.mp3', new Uint8Array(3000).fill(7)], ['truncated.wav', readFileSync(wav).subarray(0, 30)]];
    for (const [name, bytes] of bad) {
      await assert.rejects(model.embedAudio([bytes], { names: [name] }), (e) => e instanceof InvalidInputError && e.code === 'INVALID_AUDIO' && e.message.startsWith(name), name);
    }
    await model.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
