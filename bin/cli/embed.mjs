// clipfind embed --model DIR [--text T]... [--image PATH]... [--backend auto|webgpu|wasm]
// One JSON line per input, in command-line order: {"text", "embedding"} or {"image", "embedding"}.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Model } from '../../web/index.js';

export const usage = 'clipfind embed --model DIR [--text T]... [--image PATH]... [--backend auto|webgpu|wasm] [--dtype fp32|fp16|q8]';

const round = (v) => Math.round(v * 1e7) / 1e7;

export async function run(argv) {
  const { values, tokens } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, text: { type: 'string', multiple: true }, image: { type: 'string', multiple: true }, backend: { type: 'string' }, dtype: { type: 'string' } },
    strict: true,
    tokens: true,
  });
  const inputs = tokens.filter((t) => t.kind === 'option' && (t.name === 'text' || t.name === 'image')).map((t) => ({ kind: t.name, value: t.value }));
  if (!values.model || inputs.length === 0) {
    process.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const model = await Model.load(values.model, { backend: values.backend ?? 'auto', dtype: values.dtype ?? 'fp32' });
  let failed = 0;
  for (const input of inputs) {
    try {
      let emb;
      if (input.kind === 'text') emb = await model.embedTexts([input.value]);
      else {
        let bytes;
        try {
          bytes = readFileSync(input.value);
        } catch (err) {
          throw Object.assign(new Error(err.code === 'ENOENT' ? 'no such file' : err.message), { code: 'NOT_FOUND' });
        }
        emb = await model.embedImages([bytes]);
      }
      process.stdout.write(`${JSON.stringify({ [input.kind]: input.value, embedding: Array.from(emb, round) })}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`${JSON.stringify({ [input.kind]: input.value, error: `${err.code ? `${err.code}: ` : ''}${err.message}` })}\n`);
    }
  }
  process.stderr.write(`clipfind: ${model.info.name} (${model.info.family}, dim ${model.info.dim}) on ${model.info.backend}\n`);
  await model.close();
  return failed ? 1 : 0;
}
