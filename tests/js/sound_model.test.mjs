// The built-in sound model (models/sound/, trained by scripts/train-sound on generated sounds): held-out
// sounds, made here by this file's own generator (not the training code) and handed over as WAV files
// (some at 44.1 kHz, resampled by clipfind), are found by the eight sound-type queries: top-1
// classification among the queries >= 90%, and each query's first library result is a sound of its
// type, in a library that also holds photos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Library, Model } from 'clipfind';
import { conceptModel, img } from './helpers/concept_model.mjs';

// kind -> the query a person would type (models/sound/config.json clipfind.queries has the same)
const QUERIES = {
  high_tone: 'a high pitched tone', low_tone: 'a low pitched tone', rising_sweep: 'a rising sweep', falling_sweep: 'a falling sweep',
  noise_burst: 'a burst of noise', fast_beeps: 'fast beeps', slow_beeps: 'slow beeps', chord: 'a chord',
};
const KINDS = Object.keys(QUERIES);

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One sound of `kind`, 1.2-2.8 s, its parameters drawn from `rand`, at `rate` Hz.
function makeSound(kind, rand, rate) {
  const u = (a, b) => a + (b - a) * rand();
  const seconds = kind === 'slow_beeps' ? u(2.2, 2.9) : u(1.2, 2.8);
  const n = Math.floor(seconds * rate);
  const x = new Float32Array(n);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const beeps = (perSecond) => {
    const f = u(800, 2400), period = 1 / perSecond, on = period * u(0.3, 0.5);
    for (let i = 0; i < n; i++) { const t = i / rate; x[i] = (t % period) < on ? Math.sin(2 * Math.PI * f * t) : 0; }
  };
  if (kind === 'high_tone' || kind === 'low_tone') {
    const f = kind === 'high_tone' ? u(2000, 4800) : u(70, 240);
    for (let i = 0; i < n; i++) x[i] = Math.sin(2 * Math.PI * f * i / rate);
  } else if (kind === 'rising_sweep' || kind === 'falling_sweep') {
    const lo = u(200, 550), hi = u(3000, 7500);
    const [f0, f1] = kind === 'rising_sweep' ? [lo, hi] : [hi, lo];
    for (let i = 0; i < n; i++) { const t = i / rate; x[i] = Math.sin(2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * seconds))); }
  } else if (kind === 'noise_burst') {
    const bursts = 1 + Math.floor(rand() * 4);
    for (let b = 0; b < bursts; b++) {
      const len = Math.floor(u(0.06, 0.3) * rate), start = Math.floor(rand() * (n - len));
      for (let i = 0; i < len; i++) x[start + i] = gauss() * Math.min(1, i / 150, (len - i) / 150);
    }
  } else if (kind === 'fast_beeps') beeps(u(5.5, 8.5));
  else if (kind === 'slow_beeps') beeps(u(0.9, 1.5));
  else if (kind === 'chord') {
    const root = u(200, 480), ratios = rand() < 0.5 ? [1, 1.25, 1.5] : [1, 1.2, 1.5];
    const phases = ratios.map(() => u(0, 6.28));
    for (let i = 0; i < n; i++) x[i] = ratios.reduce((s, r, k) => s + Math.sin(2 * Math.PI * root * r * i / rate + phases[k]), 0) / ratios.length;
  }
  const gain = u(0.15, 0.7), fade = Math.floor(0.01 * rate);
  for (let i = 0; i < n; i++) x[i] = x[i] * gain * Math.min(1, i / fade, (n - 1 - i) / fade) + 0.004 * gauss();
  return x;
}

// 16-bit PCM WAV bytes.
function wav(samples, rate) {
  const out = new Uint8Array(44 + samples.length * 2);
  const dv = new DataView(out.buffer);
  const str = (at, s) => [...s].forEach((c, i) => { out[at + i] = c.charCodeAt(0); });
  str(0, 'RIFF'); dv.setUint32(4, 36 + samples.length * 2, true); str(8, 'WAVE'); str(12, 'fmt ');
  dv.setUint32(16, 16, true); dv.setUint16(20, 1, true); dv.setUint16(22, 1, true); dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true); dv.setUint16(32, 2, true); dv.setUint16(34, 16, true); str(36, 'data');
  dv.setUint32(40, samples.length * 2, true);
  samples.forEach((v, i) => dv.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(v * 32767))), true));
  return out;
}

test('builtin:sound: held-out generated sounds are found by sound-type queries (top-1 >= 90%)', async () => {
  const model = await Model.load('builtin:sound', { backend: 'wasm' });
  assert.equal(model.info.family, 'clap');
  const rand = mulberry32(2026);
  const sounds = [];
  for (let r = 0; r < 5; r++) {
    for (const kind of KINDS) {
      const rate = sounds.length % 3 === 0 ? 44100 : 48000;
      sounds.push({ id: `held-out/${kind}-${r}.wav`, kind, audio: wav(makeSound(kind, rand, rate), rate) });
    }
  }
  const dim = model.info.dim;
  const q = await model.embedTexts(KINDS.map((k) => QUERIES[k]));
  const a = await model.embedAudio(sounds.map((s) => s.audio), { names: sounds.map((s) => s.id) });
  let correct = 0;
  const confusions = [];
  sounds.forEach((s, i) => {
    let best = -1, bestScore = -Infinity;
    KINDS.forEach((k, j) => {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += a[i * dim + d] * q[j * dim + d];
      if (dot > bestScore) { bestScore = dot; best = j; }
    });
    if (KINDS[best] === s.kind) correct++;
    else confusions.push(`${s.kind}->${KINDS[best]}`);
  });
  const accuracy = correct / sounds.length;
  console.log(`# held-out top-1 ${(100 * accuracy).toFixed(1)}% (${correct}/${sounds.length})${confusions.length ? `; missed: ${confusions.join(', ')}` : ''}`);
  assert.ok(accuracy >= 0.9, `held-out top-1 ${accuracy}`);

  // the same through a library of sounds and photos: each query's first result is a sound of its kind
  const lib = await Library.create(conceptModel(), { audioModel: model });
  const summary = await lib.add([
    { id: 'photos/red-car.jpg', image: img('red car') }, { id: 'photos/beach.jpg', image: img('beach sunset') },
    ...sounds.map(({ id, audio }) => ({ id, audio })),
  ]);
  assert.equal(summary.added, sounds.length + 2);
  let found = 0;
  for (const kind of KINDS) {
    const { results } = await lib.search(QUERIES[kind], { k: 5 });
    const top = results[0];
    if (top?.kind === 'audio' && top.id.startsWith(`held-out/${kind}-`)) found++;
    else console.log(`# '${QUERIES[kind]}': first result ${top?.id} (${top?.kind})`);
    assert.ok(results.filter((r) => r.relevant).every((r) => r.kind === 'audio' || r.kind === 'photo'));
  }
  console.log(`# library search: ${found}/${KINDS.length} queries have a sound of their kind first`);
  assert.equal(found, KINDS.length, `library search top-1 ${found}/${KINDS.length}`);
  lib.close();
  await model.close();
});
