// PostgreSQL + pgvector commands: export (a SQL script), sync (incremental, over the wire), import.
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ClipfindError, Library, Model } from '../../web/index.js';
import { UsageError, required } from './usage.mjs';

async function connect(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a dropped connection surfaces in the failing query
  try {
    await client.connect();
  } catch (err) {
    throw new ClipfindError('NETWORK', `${url.replace(/\/\/[^@/]*@/, '//')}: cannot connect (${err.message})`);
  }
  return client;
}

export async function exportSql({ values }) {
  required(values, 'library', 'format', 'out');
  if (values.format !== 'pgvector') throw new UsageError(`--format must be pgvector, got '${values.format}'`);
  const lib = await Library.open(values.library);
  // Written statement by statement to a new file, renamed into place when complete.
  const partial = `${values.out}.partial`;
  const fd = openSync(partial, 'w');
  let bytes = 0;
  try {
    for (const statement of lib.sqlStatements({ table: values.table })) bytes += writeSync(fd, statement);
    closeSync(fd);
    renameSync(partial, values.out);
    process.stdout.write(`${JSON.stringify({ items: lib.size, out: values.out, bytes })}\n`);
  } catch (err) {
    try { closeSync(fd); } catch {}
    rmSync(partial, { force: true });
    throw err;
  } finally {
    lib.close();
  }
  return 0;
}

export async function sync({ values }) {
  required(values, 'library', 'to');
  const batchSize = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch must be a whole number >= 1, got '${values.batch}'`);
  const lib = await Library.open(values.library);
  try {
    // Committed batches stay, so after a dropped connection a fresh one picks up where it stopped.
    for (let attempt = 0; ; attempt++) {
      const client = await connect(values.to);
      try {
        const summary = await lib.syncTo(client, {
          table: values.table, batchSize,
          onProgress: ({ done, total }) => process.stderr.write(`\rsynced ${done}/${total}  `),
        });
        process.stderr.write('\n');
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return 0;
      } catch (err) {
        if (err.code !== 'NETWORK' || attempt >= 3) throw err;
        process.stderr.write(`\nclipfind sync: ${err.message}; reconnecting\n`);
      } finally {
        await client.end().catch(() => {});
      }
    }
  } finally {
    lib.close();
  }
}

export async function importFrom({ values }) {
  required(values, 'from', 'model', 'library');
  if (existsSync(values.library)) throw new UsageError(`${values.library} exists; import into a new file`);
  const model = await Model.load(values.model, { backend: 'wasm' });
  const client = await connect(values.from);
  try {
    const lib = await Library.fromPostgres(client, model, { table: values.table });
    await lib.save(values.library);
    process.stdout.write(`${JSON.stringify({ imported: lib.size })}\n`);
    lib.close();
  } finally {
    await client.end().catch(() => {});
    await model.close();
  }
  return 0;
}
