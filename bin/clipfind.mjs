#!/usr/bin/env node
// clipfind command-line interface: dispatches to the commands of bin/cli/commands.mjs, where each
// command's options and help live. Exit status: 0 success, 1 an input failed, 2 a usage error.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { COMMANDS, commandHelp, parseOptions } from './cli/commands.mjs';
import { UsageError } from './cli/usage.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function mainHelp() {
  const rows = COMMANDS.map((c) => [c.synopsis.replace(/^clipfind /, ''), c.summary]);
  return `clipfind ${pkg.version} — on-device image and caption search with CLIP-family models

Usage: clipfind <command> [options]

Commands:
${rows.map(([s, d]) => `  ${s}\n      ${d}`).join('\n')}
  --help, -h                         show this help (clipfind <command> --help: that command's)
  --version, -v                      print the version

--model DIR: a model folder in the Hugging Face ONNX layout, or builtin:tiny (the built-in shapes model).
Exit status: 0 on success, 1 when an input failed, 2 on a usage error.
`;
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === (name === 'help' ? rest[0] : name));
  if (name === 'help') {
    process.stdout.write(spec ? commandHelp(spec) : mainHelp());
    return spec || rest[0] === undefined ? 0 : 2;
  }
  if (!spec) {
    process.stderr.write(`clipfind: unknown command '${name}' (see clipfind --help)\n`);
    return 2;
  }
  const end = rest.indexOf('--');
  const options = end < 0 ? rest : rest.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(commandHelp(spec));
    return 0;
  }
  try {
    const parsed = parseArgs({ args: rest, options: parseOptions(spec), allowPositionals: spec.positionals, strict: true, tokens: true });
    const { run } = await spec.load();
    return await run(parsed);
  } catch (err) {
    // node:util parseArgs rejects unknown or malformed options: a usage error, like a missing one.
    const parseError = typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS');
    if (!parseError && !(err instanceof UsageError)) throw err;
    process.stderr.write(`clipfind ${name}: ${err.message}\nusage: ${spec.synopsis}\n(see clipfind ${name} --help)\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`clipfind: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
