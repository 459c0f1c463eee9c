// clipfind embed: one JSON line per input, in command-line order: {"text", "embedding"} or
// {"image", "embedding"}; TEXTs after -- (which may start with '-') come last.
import { readFileSync } from 'node:fs';
import { Model } from '../../web/index.js';
import { UsageError, required } from './usage.mjs';

const round = (v) => Math.round(v * 1e7) / 1e7;

export async function run({ values, positionals, tokens }) {
  const inputs = tokens.filter((t) => t.kind === 'option' && (t.name === 'text' || t.name === 'image')).map((t) => ({ kind: t.name, value: t.value }));
  for (const text of positionals) inputs.push({ kind: 'text', value: text });
  required(values, 'model');
  if (inputs.length === 0) throw new UsageError('nothing to embed: give --text, --image or texts after --');
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
