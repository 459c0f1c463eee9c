// clipfind preprocess --model DIR --out OUTDIR IMAGE...: OUTDIR/<file name>.f32 (float32 LE, CHW)
// per image and one JSON line each; failures print {"image", "error"} and the rest still run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImagePreprocessor } from '../../web/index.js';

export const usage = 'clipfind preprocess --model DIR --out OUTDIR IMAGE...';

export async function run(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: { model: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (!values.model || !values.out || positionals.length === 0) {
    process.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const configPath = path.join(values.model, 'preprocessor_config.json');
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
      const { data, dims } = await pre.fromEncoded(readFileSync(image));
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
