// Runs tests/tools/pil_reference.py with Debian's python (python3-pil, python3-numpy).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = new URL('../../tools/pil_reference.py', import.meta.url).pathname;
export const python = '/usr/bin/python3';

export function havePil() {
  return spawnSync(python, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0;
}

export function generateImages() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-img-'));
  const names = execFileSync(python, [script, 'gen', dir], { encoding: 'utf8' }).trim().split('\n');
  return { dir, files: names.map((n) => path.join(dir, n)) };
}

/** PIL + HF-steps reference pixels (HWC uint8) per image for a preprocessor config object. */
export function pilReference(config, files) {
  const { dir, args } = referenceJob(config, files);
  return readReferences(dir, execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

/**
 * The same in a child process that runs while the caller goes on: several configs' references are
 * computed at once (PIL's resize of a 1×5000 image to a 224 shortest edge alone takes seconds).
 */
export async function pilReferenceAsync(config, files) {
  const { dir, args } = referenceJob(config, files);
  const { stdout } = await promisify(execFile)(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return readReferences(dir, stdout);
}

function referenceJob(config, files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-ref-'));
  const cfgPath = path.join(dir, 'preprocessor_config.json');
  writeFileSync(cfgPath, JSON.stringify(config));
  return { dir, args: [script, 'ref', cfgPath, dir, ...files] };
}

function readReferences(dir, out) {
  const refs = new Map();
  for (const line of out.trim().split('\n')) {
    const { image, width, height } = JSON.parse(line);
    refs.set(image, { width, height, data: new Uint8Array(readFileSync(path.join(dir, `${image}.u8`))) });
  }
  return refs;
}

/** Undo rescale/normalize of CHW floats back to 8-bit levels, compare with HWC reference. */
export function compareLevels(chw, dims, ref, config) {
  const [, h, w] = dims;
  const mean = config.image_mean ?? [0, 0, 0], std = config.image_std ?? [1, 1, 1];
  const doNorm = config.do_normalize ?? true;
  const scale = config.rescale_factor ?? 1 / 255;
  let max = 0, sum = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < h * w; i++) {
      let v = chw[c * h * w + i];
      if (doNorm) v = v * std[c] + mean[c];
      const level = v / scale;
      const d = Math.abs(level - ref.data[i * 3 + c]);
      if (d > max) max = d;
      sum += d;
    }
  }
  return { max, mean: sum / (3 * h * w) };
}
