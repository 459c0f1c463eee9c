// Audio items in the library: sounds beside photos with a second (CLAP) model, results carrying kind,
// bad audio failing alone and named, the 'audio' section saved and reopened, model mismatch, remove.
// The CLAP model here is the random-weight test model (mechanics); tests/js/sound_model.test.mjs has
// the known-answer searches with the built-in sound model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidInputError, Library, Model, ModelMismatchError } from 'clipfind';
import { conceptModel, img } from './helpers/concept_model.mjs';

const clapDir = new URL('../fixtures/models/clap/', import.meta.url).pathname;
const ref = JSON.parse(readFileSync(path.join(clapDir, 'reference.json'), 'utf8'));
const wav = (file) => readFileSync(path.join(clapDir, file));

test('library: sounds beside photos, each searched with its own model, bad audio fails alone', async () => {
  const photoModel = conceptModel();
  const audioModel = await Model.load(clapDir, { backend: 'wasm' });
  const lib = await Library.create(photoModel, { audioModel });
  const progress = [];
  const summary = await lib.add([
    { id: 'photos/red-car.jpg', image: img('red car') },
    { id: 'photos/dog.jpg', image: img('dog') },
    ...ref.sounds.map((s) => ({ id: `sounds/${s.file}`, audio: wav(s.file), meta: { tags: ['generated'] } })),
    { id: 'sounds/broken.mp3', audio: new Uint8Array(2000).fill(3) },
    { id: 'sounds/empty.wav', audio: new Uint8Array(0) },
    { id: 'sounds/pcm', audio: { samples: new Float32Array(48000).map((_, i) => Math.sin(i / 10)), sampleRate: 48000 } },
  ], { onProgress: (p) => progress.push(p.done) });
  assert.equal(summary.added, 2 + ref.sounds.length + 1);
  assert.deepEqual(summary.failed.map((f) => f.id), ['sounds/broken.mp3', 'sounds/empty.wav']);
  for (const f of summary.failed) assert.ok(f.error instanceof InvalidInputError && f.error.code === 'INVALID_AUDIO' && f.error.message.startsWith(f.id), f.error.message);
  assert.equal(progress.at(-1), 2 + ref.sounds.length + 3);
  assert.equal(lib.get('sounds/chord.wav').kind, 'audio');
  assert.deepEqual(lib.get('sounds/chord.wav').tags, ['generated']);
  assert.equal(lib.get('photos/dog.jpg').kind, undefined, 'photos keep the default kind');

  // The sounds' own vectors: the audio model's, as embedAudio gives them.
  const { results, total } = await lib.search('a rising sweep', { k: 20, cutoff: false });
  assert.equal(total, 2 + ref.sounds.length + 1);
  assert.deepEqual(new Set(results.map((r) => r.kind)), new Set(['photo', 'audio']));
  const sounds = results.filter((r) => r.kind === 'audio');
  assert.equal(sounds.length, ref.sounds.length + 1);
  const q = await audioModel.embedTexts(['a rising sweep']);
  const a = await audioModel.embedAudio([wav(ref.sounds[0].file)]);
  const expected = a.reduce((s, v, i) => s + v * q[i], 0);
  const got = sounds.find((r) => r.id === `sounds/${ref.sounds[0].file}`);
  assert.ok(Math.abs(got.audioScore - expected) < 1e-5, `${got.audioScore} vs ${expected}`);
  assert.equal(got.imageScore, null);
  assert.ok(Number.isFinite(got.evidence.audio));
  for (let i = 1; i < sounds.length; i++) assert.ok(sounds[i - 1].score >= sounds[i].score, 'sounds keep their own order');
  // a photo query searches photos only
  const byImage = await lib.search([{ id: 'photos/dog.jpg' }], { k: 20 });
  assert.ok(byImage.results.every((r) => r.kind === 'photo'));
  // pages: offset/k over the merged list
  const page2 = await lib.search('a rising sweep', { k: 3, offset: 3, cutoff: false });
  assert.deepEqual(page2.results.map((r) => r.id), results.slice(3, 6).map((r) => r.id));

  // saved and reopened with the audio model: the same answers; the same file with another audio model: refused
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'clipfind-audio-lib-'));
  try {
    const file = path.join(tmp, 'lib.clipfind');
    await lib.save(file);
    const again = await Library.open(file, photoModel, { audioModel });
    assert.deepEqual((await again.search('a rising sweep', { k: 20, cutoff: false })).results.map((r) => [r.id, r.kind]), results.map((r) => [r.id, r.kind]));
    assert.equal(again.remove(['sounds/chord.wav']), 1);
    assert.ok(!(await again.search('a chord', { k: 20, cutoff: false })).results.some((r) => r.id === 'sounds/chord.wav'));
    again.close();
    const otherDir = path.join(tmp, 'other-clap');
    cpSync(clapDir, otherDir, { recursive: true });
    const cfg = JSON.parse(readFileSync(path.join(otherDir, 'config.json'), 'utf8'));
    writeFileSync(path.join(otherDir, 'config.json'), JSON.stringify({ ...cfg, _name_or_path: 'another/clap' }));
    const other = await Model.load(otherDir, { backend: 'wasm' });
    await assert.rejects(Library.open(file, photoModel, { audioModel: other }), ModelMismatchError);
    // opened without an audio model: photos still search, adding sounds says what is missing
    const photosOnly = await Library.open(file, photoModel);
    assert.ok((await photosOnly.search('red car', { k: 20 })).results.every((r) => r.kind === 'photo'));
    const res = await photosOnly.add([{ id: 'x.wav', audio: wav(ref.sounds[0].file) }]).catch((e) => e);
    assert.ok(res instanceof InvalidInputError && /audioModel/.test(res.message));
    photosOnly.close();
    await other.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  lib.close();
  await audioModel.close();
});
