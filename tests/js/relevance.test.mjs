// Honest relevance, through the public API, on held-out scenes the suite draws itself in its own style
// (tests/js/helpers/held_out_scenes.mjs, not the training generator): a third captioned, mostly truly,
// some with unrelated captions; a few combinations kept out of the library; exact and near copies.
// The same rule, unchanged, on the built-in model and on a model with another score scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Library, Model } from 'clipfind';
import { captionFor, COLORS, drawScene, SHAPES } from './helpers/held_out_scenes.mjs';
import { gapModel } from './helpers/gap_model.mjs';
import { rng } from './helpers/vectors.mjs';

const modelDir = new URL('../../models/tiny/', import.meta.url).pathname;
const COMBOS = Object.keys(COLORS).flatMap((c) => SHAPES.map((s) => `${c} ${s}`));
const OUT_OF_WORLD = ['a cat', 'a dog on the beach', 'wedding', 'pizza', 'mountain lake', 'sunset over the sea',
  'grandma', 'receipt', 'my car', 'birthday cake', 'a photo of my family', 'christmas tree'];
const N = 240, COPIES = 8, NEAR = 4;

// A library of N scenes of `seed` without the `absent` combinations, plus exact and near copies.
async function heldOutLibrary(model, seed) {
  const r = rng(seed);
  const order = [...COMBOS].sort(() => r() - 0.5);
  const absent = new Set(order.slice(0, 6));
  const allowed = (c, s) => !absent.has(`${c} ${s}`);
  const truth = new Map(); // id -> objects
  const items = [];
  for (let i = 0; i < N; i++) {
    const { bytes, objects } = drawScene(i, seed, { allowed, maxObjects: 1 });
    const id = `scene-${i}.png`;
    const captioned = i % 3 === 0;
    items.push({ id, image: bytes, caption: captioned ? captionFor(objects, r() < 0.75, r) : undefined });
    truth.set(id, objects);
  }
  // Copies of captioned originals (so a caption could drag), without captions of their own.
  const copies = [];
  for (let k = 0; k < COPIES; k++) {
    const src = items[3 * k];
    items.push({ id: `copies/${src.id}`, image: src.image });
    truth.set(`copies/${src.id}`, truth.get(src.id));
    copies.push([src.id, `copies/${src.id}`]);
  }
  const near = [];
  for (let k = 0; k < NEAR; k++) {
    const i = 3 * k + 1;
    items.push({ id: `near/${i}`, image: drawScene(i, seed, { allowed, maxObjects: 1, shift: 2 }).bytes });
    truth.set(`near/${i}`, truth.get(`scene-${i}.png`));
    near.push([`scene-${i}.png`, `near/${i}`]);
  }
  const lib = await Library.create(model);
  const summary = await lib.add(items, { batchSize: 32 });
  assert.equal(summary.failed.length, 0);
  return { lib, truth, absent, copies, near, items };
}

async function measure(model, seed) {
  const { lib, truth, absent, copies, near, items } = await heldOutLibrary(model, seed);
  const size = lib.size;
  const flagged = async (q) => (await lib.search(q, { k: size })).results;
  const has = (id, combo) => truth.get(id).some((o) => `${o.color} ${o.shape}` === combo);
  let tp = 0, fp = 0, fn = 0, absentFlags = 0, absentQueries = 0, oovFlags = 0, sortedOk = true;
  for (const combo of COMBOS) {
    const results = await flagged(combo);
    // Relevant first, then by score, on every query.
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1], results[i]];
      if (a.relevant < b.relevant || (a.relevant === b.relevant && a.score < b.score)) sortedOk = false;
    }
    if (absent.has(combo)) {
      absentQueries++;
      absentFlags += results.filter((r) => r.relevant).length;
      continue;
    }
    for (const r of results) {
      const t = has(r.id, combo);
      if (r.relevant && t) tp++;
      else if (r.relevant) fp++;
      else if (t) fn++;
    }
  }
  for (const q of OUT_OF_WORLD) oovFlags += (await flagged(q)).filter((r) => r.relevant).length;
  // Image queries: by id ("more like this") for every original with a copy and a sample of others,
  // by pasted bytes for the copied ones.
  let selfFirst = 0, imageQueries = 0, copyRelevant = 0, copyQueries = 0, nearRelevant = 0, bytesFirst = 0;
  const pairs = [...copies, ...near];
  const sample = [...pairs.map(([a]) => a), ...items.slice(0, N).filter((_, i) => i % 12 === 5).map((it) => it.id)];
  let likeSame = 0, likeSameN = 0, likeOther = 0, likeOtherN = 0; // "more like this" over the other scenes
  const combo = (id) => truth.get(id).map((o) => `${o.color} ${o.shape}`).join();
  for (const id of sample) {
    const { results } = await lib.search(`id:${id}`, { k: size });
    imageQueries++;
    for (const r of results) {
      if (!r.id.startsWith('scene-') || r.id === id) continue;
      if (combo(r.id) === combo(id)) { likeSameN++; likeSame += r.relevant; } else { likeOtherN++; likeOther += r.relevant; }
    }
    if (results[0].id === id && results[0].relevant) selfFirst++;
    for (const [a, b] of copies) if (a === id) { copyQueries++; if (results.find((r) => r.id === b)?.relevant && results[1].id === b) copyRelevant++; else if (process.env.DEBUG) console.log('# id', a, b, JSON.stringify(results.slice(0, 3).map((r) => [r.id, r.score, r.imageScore, r.relevant]))); }
    for (const [a, b] of near) if (a === id && results.find((r) => r.id === b)?.relevant) nearRelevant++;
  }
  for (const [a, b] of copies) {
    const bytes = items.find((it) => it.id === a).image;
    const { results } = await lib.search([{ image: bytes }], { k: 2 });
    if (new Set(results.map((r) => r.id)).size === 2 && results.every((r) => [a, b].includes(r.id) && r.relevant)) bytesFirst++;
    else if (process.env.DEBUG) console.log('# bytes', a, b, JSON.stringify(results.map((r) => [r.id, r.score, r.imageScore, r.relevant])));
  }
  lib.close();
  const present = COMBOS.length - absentQueries;
  return {
    precision: tp / (tp + fp), recall: tp / (tp + fn), sortedOk,
    absentRate: absentFlags / (absentQueries * size), oovRate: oovFlags / (OUT_OF_WORLD.length * size),
    selfFirst: selfFirst / imageQueries, copyRelevant: copyRelevant / copyQueries, nearRelevant: nearRelevant / near.length,
    bytesFirst: bytesFirst / copies.length, present, size, likeSame: likeSame / likeSameN, likeOther: likeOther / likeOtherN,
  };
}

function check(name, m) {
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  console.log(`# ${name}: ${m.size} photos, ${m.present} present colour+shape queries: precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}; ` +
    `absent combinations flag ${pct(m.absentRate)}, out-of-world queries flag ${pct(m.oovRate)}; image queries: itself first ${pct(m.selfFirst)}, ` +
    `exact copy second and relevant ${pct(m.copyRelevant)}, near copy relevant ${pct(m.nearRelevant)}, pasted bytes -> itself and its copy ${pct(m.bytesFirst)}; more like this flags ${pct(m.likeSame)} of scenes with the same colour+shape, ${pct(m.likeOther)} of others`);
  assert.ok(m.precision >= 0.8, `precision ${m.precision}`);
  assert.ok(m.recall >= 0.8, `recall ${m.recall}`);
  assert.ok(m.absentRate <= 0.02, `absent combinations flag ${m.absentRate}`);
  assert.ok(m.oovRate <= 0.005, `out-of-world queries flag ${m.oovRate}`);
  assert.equal(m.selfFirst, 1, 'an image query returns the photo itself first');
  assert.equal(m.copyRelevant, 1, 'its exact copy comes next and is relevant');
  assert.equal(m.bytesFirst, 1, 'pasted bytes find the photo and its copy first');
  assert.equal(m.nearRelevant, 1, 'a near copy (the scene redrawn 2 px over) is relevant');
  assert.ok(m.likeOther <= 0.02, `more like this flags ${m.likeOther} of other scenes`);
  assert.ok(m.sortedOk, 'relevant first, then by score');
}

let tiny;
const load = async () => (tiny ??= await Model.load(modelDir, { backend: 'wasm', batchSize: 32 }));

test('relevance on held-out scenes, built-in model', { timeout: 180000 }, async () => {
  check('tiny', await measure(await load(), 31));
});

test('relevance: the same rule on a model with another score scale (modality gap), its own scenes', { timeout: 180000 }, async () => {
  check('modality-gap', await measure(gapModel(await load()), 57));
  await tiny.close();
});
