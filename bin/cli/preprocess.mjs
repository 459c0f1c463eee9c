// clipfind preprocess --model DIR --out OUTDIR IMAGE...: OUTDIR/<file name>.f32 (float32 LE, CHW)
// per image and one JSON line each; failures print {"image", "error"} and the rest still run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImagePreprocessor } from '../../web/index.js';
import { UsageError, required } from './usage.mjs';

export async function run({ values, positionals }) {
  required(values, 'model', 'out');
  if (positionals.length === 0) throw new UsageError('no IMAGE given');
  // builtin:NAME is the package's own models/NAME folder.
  const dir = values.model.startsWith('builtin:') ? new URL(`../../models/${values.model.slice(8)}/`, import.meta.url).pathname : values.model;
  const configPath = path.join(dir, 'preprocessor_config.json');
  let configText;
  try {
    configText = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw Object.assign(new Error(`${configPath}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`), { code: 'NOT_FOUND' });
  }
  const pre = await ImagePreprocessor.fromConfig(configText).catch((err) => {
    err.message = `${configPath}: ${err.message}`;
    throw err;
  });
  mkdirSync(values.out, { recursive: true });
  let failed = 0;
  for (const image of positionals) {
    try {
      const { data, dims } = await pre.preprocessEncoded(readFileSync(image));
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength); // little-endian on every supported host
      writeFileSync(path.join(values.out, `${path.basename(image)}.f32`), bytes);
      process.stdout.write(`${JSON.stringify({ image, dims })}\n`);
    } catch (err) {
      failed++;
      const message = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : `${err.code ? `${err.code}: ` : ''}${err.message}`;
      process.stdout.write(`${JSON.stringify({ image, error: message })}\n`);
    }
  }
  pre.close();
  return failed ? 1 : 0;
}
