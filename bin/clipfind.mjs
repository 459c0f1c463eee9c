#!/usr/bin/env node
// clipfind command-line interface. Each command keeps the exact contract of its issue.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const HELP = `clipfind ${pkg.version} — on-device image and caption search with CLIP-family models

Usage: clipfind <command> [options]

Commands:
  tokenize --tokenizer PATH          token ids of each stdin line, as JSON arrays
  preprocess --model DIR --out OUTDIR IMAGE...
                                     model input tensors (float32 CHW) of images
  embed --model DIR [--text T]... [--image PATH]... [--backend auto|webgpu|wasm]
                                     L2-normalized embeddings, one JSON line per input
  index --model DIR --library FILE [--captions FILE.json] PATH...
                                     add images (files or folders, recursive) to a library
  search --library FILE --model DIR [-k N] [--no-cutoff] --json [--] TERM...
                                     TERM: text, image:PATH or id:ITEM; -TERM negates, N:TERM weighs
  remove --library FILE ID...        remove items
  tag --library FILE --model DIR LABEL...
                                     zero-shot tags per item
  dupes --library FILE               near-duplicate groups
  --help, -h                         show this help
  --version, -v                      print the version

Exit status: 0 on success, 1 when an input failed, 2 on a usage error.
`;

async function main(argv) {
  const [cmd] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const commands = { tokenize: './cli/tokenize.mjs', preprocess: './cli/preprocess.mjs', embed: './cli/embed.mjs' };
  if (commands[cmd]) {
    const mod = await import(commands[cmd]);
    return mod.run(argv.slice(1));
  }
  if (['index', 'search', 'remove', 'tag', 'dupes'].includes(cmd)) {
    const lib = await import('./cli/library.mjs');
    return lib[cmd](argv.slice(1));
  }
  process.stderr.write(`clipfind: unknown command '${cmd}' (see clipfind --help)\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // node:util parseArgs rejects unknown or malformed options: a usage error, like a missing one.
    const usage = typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(usage ? `clipfind: ${err.message} (see clipfind --help)\n` : `clipfind: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
