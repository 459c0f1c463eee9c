// The built-in tiny CLIP through the whole clipfind pipeline on freshly generated held-out scenes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Model } from 'clipfind';
import { havePil } from './helpers/pil.mjs';

const skip = havePil() ? false : 'python3-pil is needed to draw the held-out scenes';
const trainDir = new URL('../../scripts/train-tiny/', import.meta.url).pathname;
const modelDir = new URL('../../models/tiny/', import.meta.url).pathname;

test('tiny model: "<color> <shape>" finds the right picture among held-out scenes', { skip, timeout: 120000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-tiny-'));
  const meta = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys
sys.path.insert(0, ${JSON.stringify(trainDir)})
from scenes import scene
out = []
for i in range(120):
    img, _, objs = scene(777000 + i, 4242, n_objects=1)
    img.save(${JSON.stringify(dir)} + '/%d.png' % i)
    out.append(objs[0])
print(json.dumps(out))
`], { encoding: 'utf8' }));
  const model = await Model.load(modelDir, { backend: 'wasm', batchSize: 32 });
  const images = await model.embedImages(meta.map((_, i) => readFileSync(path.join(dir, `${i}.png`))));
  const combos = [...new Set(meta.map((o) => `${o.color} ${o.shape}`))];
  const texts = await model.embedTexts(combos);
  const dim = model.info.dim;
  let color = 0, shape = 0;
  combos.forEach((q, qi) => {
    let best = -1, bestScore = -Infinity;
    for (let i = 0; i < meta.length; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += texts[qi * dim + d] * images[i * dim + d];
      if (s > bestScore) { bestScore = s; best = i; }
    }
    const [c, sh] = q.split(' ');
    color += meta[best].color === c ? 1 : 0;
    shape += meta[best].shape === sh ? 1 : 0;
  });
  console.log(`# tiny model, ${combos.length} queries over ${meta.length} scenes: colour ${(100 * color / combos.length).toFixed(1)}%, shape ${(100 * shape / combos.length).toFixed(1)}%`);
  assert.ok(color / combos.length >= 0.95);
  assert.ok(shape / combos.length >= 0.85);
  await model.close();
});
