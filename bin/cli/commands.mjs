// Every command's contract in one place: synopsis, one-line summary, options with their help. The
// top-level help, `clipfind <command> --help`, usage errors and the option parser are all made from
// these entries, so they cannot disagree. Each command's code loads only when it runs.

/** @typedef {{type: 'string'|'boolean', short?: string, multiple?: boolean, arg?: string, help: string}} OptionSpec */
/** @typedef {{name: string, synopsis: string, summary: string, options: Record<string, OptionSpec>, positionals: boolean, notes?: string[], load: () => Promise<{run: Function}>}} CommandSpec */

const backend = { type: 'string', arg: 'auto|webgpu|wasm', help: 'inference backend (default auto)' };
const model = { type: 'string', arg: 'DIR', help: 'model folder in the Hugging Face ONNX layout, or builtin:tiny (the built-in model)' };
const library = { type: 'string', arg: 'FILE', help: 'library file (.clipfind)' };
const table = { type: 'string', arg: 'NAME', help: 'PostgreSQL table name (default clipfind_items)' };

/** @type {CommandSpec[]} */
export const COMMANDS = [
  {
    name: 'tokenize',
    synopsis: 'clipfind tokenize --tokenizer PATH < TEXT',
    summary: 'token ids of each stdin line, as JSON arrays',
    options: { tokenizer: { type: 'string', arg: 'PATH', help: 'a model folder or a tokenizer.json' } },
    positionals: false,
    notes: ['Lines are split on \\n only; special tokens are added; truncated to the model\'s max length.'],
    load: () => import('./tokenize.mjs'),
  },
  {
    name: 'preprocess',
    synopsis: 'clipfind preprocess --model DIR --out OUTDIR IMAGE...',
    summary: 'model input tensors (float32 CHW) of images',
    options: { model, out: { type: 'string', arg: 'OUTDIR', help: 'folder for OUTDIR/<file name>.f32' } },
    positionals: true,
    notes: ['Prints one JSON line per image: {"image", "dims"} or {"image", "error"}.'],
    load: () => import('./preprocess.mjs'),
  },
  {
    name: 'embed',
    synopsis: 'clipfind embed --model DIR [--text T]... [--image PATH]... [-- TEXT...]',
    summary: 'L2-normalized embeddings, one JSON line per input',
    options: {
      model,
      text: { type: 'string', multiple: true, arg: 'T', help: 'a text to embed (repeatable; texts starting with - go after --)' },
      image: { type: 'string', multiple: true, arg: 'PATH', help: 'an image file to embed (repeatable)' },
      backend,
      dtype: { type: 'string', arg: 'fp32|fp16|q8', help: 'weights variant (default fp32)' },
    },
    positionals: true,
    notes: ['Inputs are embedded in command-line order; TEXTs after -- come last.'],
    load: () => import('./embed.mjs'),
  },
  {
    name: 'index',
    synopsis: 'clipfind index --model DIR --library FILE [--captions FILE.json] PATH...',
    summary: 'add images, videos and PDFs (files or folders, recursive) to a library',
    options: { model, library, captions: { type: 'string', arg: 'FILE.json', help: 'captions: {"path or id": "caption"}' }, backend },
    positionals: true,
    notes: ['Prints {"added", "skipped", "failed": [{"path", "error"}]}; progress on stderr. Unchanged files are skipped.',
      'Videos (.mp4 .m4v .mov .webm .mkv) are read with ffmpeg: up to 64 frames each (one a second plus scene changes).',
      'A PDF adds one item per page, id PATH#page=N (its text layer is the caption; at most 1000 pages per PDF).'],
    load: () => import('./library.mjs').then((m) => ({ run: m.index })),
  },
  {
    name: 'search',
    synopsis: 'clipfind search --library FILE --model DIR [-k N] [--no-cutoff] [--json] [--] TERM...',
    summary: 'search a library by text, image or item; a table, or JSON with --json',
    options: {
      library, model,
      k: { type: 'string', short: 'k', arg: 'N', help: 'number of results (default 10)' },
      'no-cutoff': { type: 'boolean', help: 'do not mark results as relevant or not' },
      json: { type: 'boolean', help: 'print [{"id", "kind", "time"?, "frameTime"?, "page"?, "score", "imageScore", "captionScore", "relevant"}] instead of a table' },
      backend,
    },
    positionals: true,
    notes: ['TERM: text, image:PATH or id:ITEM; N:TERM weighs a term; -TERM subtracts it (put such terms after --).'],
    load: () => import('./library.mjs').then((m) => ({ run: m.search })),
  },
  {
    name: 'remove',
    synopsis: 'clipfind remove --library FILE ID...',
    summary: 'remove items from a library',
    options: { library },
    positionals: true,
    notes: ['Prints {"removed": N}.'],
    load: () => import('./library.mjs').then((m) => ({ run: m.remove })),
  },
  {
    name: 'tag',
    synopsis: 'clipfind tag --library FILE --model DIR [--threshold P] [--apply] LABEL...',
    summary: 'zero-shot tags per item',
    options: {
      library, model,
      threshold: { type: 'string', arg: 'P', help: 'minimum score of a tag, 0..1 (default 0.5)' },
      apply: { type: 'boolean', help: 'store the tags in the library' },
      backend,
    },
    positionals: true,
    notes: ['Prints [{"id", "tags": [{"label", "score"}]}].'],
    load: () => import('./library.mjs').then((m) => ({ run: m.tag })),
  },
  {
    name: 'dupes',
    synopsis: 'clipfind dupes --library FILE [--threshold COS]',
    summary: 'near-duplicate groups',
    options: { library, threshold: { type: 'string', arg: 'COS', help: 'minimum cosine similarity (default 0.95)' } },
    positionals: false,
    notes: ['Prints the groups as JSON.'],
    load: () => import('./library.mjs').then((m) => ({ run: m.dupes })),
  },
  {
    name: 'export',
    synopsis: 'clipfind export --library FILE --format pgvector --out FILE.sql [--table NAME]',
    summary: 'a SQL script that loads the library into PostgreSQL + pgvector',
    options: {
      library,
      format: { type: 'string', arg: 'pgvector', help: 'the only format: PostgreSQL with the pgvector extension' },
      out: { type: 'string', arg: 'FILE.sql', help: 'where to write the script' },
      table,
    },
    positionals: false,
    notes: ['Load it with psql -f FILE.sql. Prints {"items", "out", "bytes"}. Schema and queries: README "Outgrowing one device".'],
    load: () => import('./postgres.mjs').then((m) => ({ run: m.exportSql })),
  },
  {
    name: 'sync',
    synopsis: 'clipfind sync --library FILE --to postgres://... [--table NAME] [--batch N]',
    summary: 'make a PostgreSQL + pgvector table equal to the library (incremental)',
    options: {
      library,
      to: { type: 'string', arg: 'URL', help: 'PostgreSQL connection URL (postgres://user:password@host:port/db)' },
      table,
      batch: { type: 'string', arg: 'N', help: 'rows per transaction (default 500)' },
    },
    positionals: false,
    notes: ['Upserts new and changed items, deletes removed ones; a table of another model is refused. A dropped connection is retried (3 times); running it again resumes. Prints {"upserted", "deleted", "unchanged"}.'],
    load: () => import('./postgres.mjs').then((m) => ({ run: m.sync })),
  },
  {
    name: 'import',
    synopsis: 'clipfind import --from postgres://... --model DIR --library FILE [--table NAME]',
    summary: 'build a library from a PostgreSQL + pgvector table (same model)',
    options: {
      from: { type: 'string', arg: 'URL', help: 'PostgreSQL connection URL' },
      model, library: { type: 'string', arg: 'FILE', help: 'the new library file (must not exist)' },
      table,
    },
    positionals: false,
    notes: ['No photo is re-embedded; every row must carry this model\'s identity. Prints {"imported"}.'],
    load: () => import('./postgres.mjs').then((m) => ({ run: m.importFrom })),
  },
];

/** The command's help page: synopsis, summary, options, notes. */
export function commandHelp(spec) {
  const rows = Object.entries(spec.options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`Usage: ${spec.synopsis}`, '', `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`, '', 'Options:',
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`), ...(spec.notes?.length ? ['', ...spec.notes] : []), ''].join('\n');
}

/** The parseArgs configuration of a command (the help fields stripped). */
export function parseOptions(spec) {
  return Object.fromEntries(Object.entries(spec.options).map(([name, { type, short, multiple }]) => [name, { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) }]));
}
