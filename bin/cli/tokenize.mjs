// clipfind tokenize --tokenizer PATH: one JSON array of ids per stdin line (split on \n only),
// special tokens included, truncated to the model's max length, unpadded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '../../web/index.js';
import { required } from './usage.mjs';

export async function loadTokenizerFiles(p) {
  let dir = p;
  let file = p;
  if (!existsSync(p)) throw Object.assign(new Error(`${p}: no such file or directory`), { code: 'NOT_FOUND' });
  if (statSync(p).isDirectory()) file = path.join(p, 'tokenizer.json');
  else dir = path.dirname(p);
  if (!existsSync(file)) throw Object.assign(new Error(`${file}: no such file`), { code: 'NOT_FOUND' });
  const configFile = path.join(dir, 'tokenizer_config.json');
  return Tokenizer.fromFiles({
    tokenizer: readFileSync(file, 'utf8'),
    config: existsSync(configFile) ? readFileSync(configFile, 'utf8') : '',
  });
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks);
}

export async function run({ values }) {
  required(values, 'tokenizer');
  const tok = await loadTokenizerFiles(values.tokenizer);
  const input = await readStdin();
  const lines = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x0a) {
      lines.push(input.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < input.length) lines.push(input.subarray(start)); // a final newline ends the last line
  const out = [];
  for (const line of lines) out.push(JSON.stringify(Array.from(tok.encode(new Uint8Array(line)))));
  process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
  tok.close();
  return 0;
}
