// A library in PostgreSQL + pgvector: the SQL script of `clipfind export --format pgvector`, the
// incremental sync of `library.syncTo(client)` / `clipfind sync`, and the rows `Library.fromPostgres`
// reads back. Embeddings travel as they are (never re-computed); a table belongs to one model.
//
// `client` is anything with pg's `query(text, params) -> { rows }` (a pg Client or Pool, PGlite).
// The schema (one row per item):
//   id text PRIMARY KEY, image_embedding vector(D) NOT NULL, caption text, caption_embedding vector(D)
//   (NULL without a caption), model text NOT NULL (the model identity), meta jsonb NOT NULL
//   (fileName, folder, dateTaken, size, tags, hash: the SHA-256 of the image bytes).
import { ClipfindError, CorruptDataError, InvalidInputError, ModelMismatchError } from './errors.js';

export const DEFAULT_TABLE = 'clipfind_items';
// Item fields that have columns of their own, or are recomputed from the embeddings on import.
const NOT_META = new Set(['id', 'caption', 'neutral']);

/** `name` or `schema.name`, as a quoted SQL identifier; anything else is refused. */
export function tableIdent(table = DEFAULT_TABLE) {
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/.test(table)) {
    throw new InvalidInputError('INVALID_ARGUMENT', `table must be a plain SQL name (letters, digits, _; optionally schema.name), got ${JSON.stringify(table)}`);
  }
  return table.split('.').map((p) => `"${p}"`).join('.');
}

// PostgreSQL text cannot hold NUL; nothing else needs changing.
const pgText = (s) => (s == null ? null : String(s).replaceAll('\0', '\uFFFD'));
const literal = (s) => (s == null ? 'NULL' : `'${pgText(s).replaceAll("'", "''")}'`);

/** pgvector's text form; 9 significant digits give back the same float32. */
export function vectorText(v) {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (v[i] === 0 ? '0' : v[i].toPrecision(9).replace(/\.?0+(e|$)/, '$1'));
  return `${s}]`;
}

/** Parses pgvector's text form into a Float32Array. */
export function parseVector(text, dim, where) {
  const v = typeof text === 'string' ? Float32Array.from(text.replace(/^\[|\]$/g, '').split(','), Number) : null;
  if (!v || v.length !== dim || v.some((x) => !Number.isFinite(x))) throw new CorruptDataError('CORRUPT_DATA', `${where}: not a vector of ${dim} numbers`);
  return v;
}

// The item's `meta` column: every field but those with columns of their own, as JSON text.
const metaOf = (item) => pgText(JSON.stringify(Object.fromEntries(Object.entries(item).filter(([k, v]) => !NOT_META.has(k) && v !== undefined))));
const captionOf = (item) => (item.caption ? pgText(item.caption) : null);

/** The item's row as the table holds it (vectors in text form). */
function rowOf(item, vectors, model) {
  return {
    id: pgText(item.id),
    image: vectorText(vectors.image),
    caption: captionOf(item),
    captionVector: item.caption && vectors.caption ? vectorText(vectors.caption) : null,
    model,
    meta: metaOf(item),
  };
}

// Two statements (a client may run one per call).
function schemaSql(ident, dim) {
  return ['CREATE EXTENSION IF NOT EXISTS vector', `CREATE TABLE IF NOT EXISTS ${ident} (
  id text PRIMARY KEY,
  image_embedding vector(${dim}) NOT NULL,
  caption text,
  caption_embedding vector(${dim}),
  model text NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}'
)`];
}

const UPSERT_SET = 'image_embedding = EXCLUDED.image_embedding, caption = EXCLUDED.caption, caption_embedding = EXCLUDED.caption_embedding, model = EXCLUDED.model, meta = EXCLUDED.meta';

/**
 * The SQL script that creates the extension and the table (if absent) and upserts every item, in one
 * transaction, as a sequence of statements (a 100k-item library is far beyond one JS string); loading it
 * into a table of another model raises an error and changes nothing.
 * @param {{items: Iterable<object>, vectors: (id: string) => {image: Float32Array, caption?: Float32Array}, model: string, dim: number}} source
 */
export function* exportSql(source, { table = DEFAULT_TABLE, rowsPerStatement = 200 } = {}) {
  const ident = tableIdent(table);
  yield `-- clipfind library export: model ${source.model}, dimension ${source.dim}\nBEGIN;\n`;
  for (const statement of schemaSql(ident, source.dim)) yield `${statement};\n`;
  yield `DO $$ BEGIN IF EXISTS (SELECT 1 FROM ${ident} WHERE model <> ${literal(source.model)}) THEN RAISE EXCEPTION 'clipfind: table ${table} holds embeddings of another model than ${source.model.replaceAll("'", "''")}'; END IF; END $$;\n`;
  let rows = [];
  const statement = () => `INSERT INTO ${ident} (id, image_embedding, caption, caption_embedding, model, meta) VALUES\n${rows.join(',\n')}\nON CONFLICT (id) DO UPDATE SET ${UPSERT_SET};\n`;
  for (const item of source.items) {
    const r = rowOf(item, source.vectors(item.id), source.model);
    rows.push(`(${literal(r.id)}, '${r.image}', ${literal(r.caption)}, ${r.captionVector ? `'${r.captionVector}'` : 'NULL'}, ${literal(r.model)}, ${literal(r.meta)})`);
    if (rows.length >= rowsPerStatement) {
      yield statement();
      rows = [];
    }
  }
  if (rows.length) yield statement();
  yield 'COMMIT;\n';
}

/** A connection problem, as opposed to a refusal: running the sync again resumes it. */
function networkError(err, done) {
  return new ClipfindError('NETWORK', `database connection failed after ${done} changes were committed (${err.message}); run the sync again to resume`, { cause: err });
}

/**
 * Makes the table equal to the library: creates it if needed, upserts new and changed items (image
 * content, caption or metadata), deletes items the library no longer has, in transactions of at most
 * `batchSize` rows. Each committed batch stays, so a sync cut off half-way resumes where it stopped.
 * @returns {Promise<{upserted: number, deleted: number, unchanged: number}>}
 */
export async function syncTo(source, client, { table = DEFAULT_TABLE, batchSize = 500, onProgress } = {}) {
  const ident = tableIdent(table);
  if (!client || typeof client.query !== 'function') throw new InvalidInputError('INVALID_ARGUMENT', 'syncTo: expected a PostgreSQL client (pg Client/Pool or PGlite)');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) throw new InvalidInputError('INVALID_ARGUMENT', `syncTo: batchSize must be 1..5000, got ${batchSize}`);
  let committed = 0;
  const q = async (text, params) => {
    try {
      return await client.query(text, params);
    } catch (err) {
      if (err instanceof ClipfindError) throw err;
      // SQL errors carry a SQLSTATE code; anything else is the connection.
      if (typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) throw new ClipfindError('DATABASE', `${table}: ${err.message}`, { cause: err });
      throw networkError(err, committed);
    }
  };
  for (const statement of schemaSql(ident, source.dim)) await q(statement);
  const other = await q(`SELECT model FROM ${ident} WHERE model <> $1 LIMIT 1`, [source.model]);
  if (other.rows.length) throw new ModelMismatchError(`${table} holds embeddings of ${other.rows[0].model}, not ${source.model}: sync into another table, or re-index`, { id: other.rows[0].model }, { id: source.model });
  const dims = await q(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'image_embedding'`, [ident]);
  if (dims.rows[0]?.type !== `vector(${source.dim})`) throw new ModelMismatchError(`${table}.image_embedding is ${dims.rows[0]?.type}, not vector(${source.dim})`, { id: null }, { id: source.model, dim: source.dim });

  // What the table holds now (no vectors: they change only with the image hash or the caption).
  const present = new Map();
  for (const r of (await q(`SELECT id, caption, meta::text AS meta FROM ${ident}`)).rows) present.set(r.id, `${r.caption}\u0001${canonical(r.meta)}`);
  const changed = [];
  let unchanged = 0;
  const keep = new Set();
  for (const item of source.items) {
    const id = pgText(item.id);
    keep.add(id);
    if (present.get(id) === `${captionOf(item)}\u0001${canonical(metaOf(item))}`) unchanged++;
    else changed.push(item);
  }
  const gone = [...present.keys()].filter((id) => !keep.has(id));
  const total = changed.length + gone.length;
  onProgress?.({ done: 0, total });

  const transaction = async (statements) => {
    await q('BEGIN');
    try {
      for (const [text, params] of statements) await q(text, params);
      await q('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  };
  for (let i = 0; i < changed.length; i += batchSize) {
    const rows = changed.slice(i, i + batchSize).map((item) => rowOf(item, source.vectors(item.id), source.model));
    const params = [];
    const values = rows.map((r) => {
      const n = params.push(r.id, r.image, r.caption, r.captionVector, r.model, r.meta);
      return `($${n - 5}, $${n - 4}::vector, $${n - 3}, $${n - 2}::vector, $${n - 1}, $${n}::jsonb)`;
    });
    await transaction([[`INSERT INTO ${ident} (id, image_embedding, caption, caption_embedding, model, meta) VALUES ${values.join(', ')} ON CONFLICT (id) DO UPDATE SET ${UPSERT_SET}`, params]]);
    committed += rows.length;
    onProgress?.({ done: committed, total });
  }
  for (let i = 0; i < gone.length; i += batchSize) {
    const ids = gone.slice(i, i + batchSize);
    await transaction([[`DELETE FROM ${ident} WHERE id = ANY($1::text[])`, [ids]]]);
    committed += ids.length;
    onProgress?.({ done: committed, total });
  }
  return { upserted: changed.length, deleted: gone.length, unchanged };
}

// jsonb prints keys in its own order; compare metadata by content.
function canonical(json) {
  const sort = (v) => (Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  try {
    return JSON.stringify(sort(JSON.parse(json)));
  } catch {
    return json;
  }
}

/**
 * Reads a table back as library records {id, image, caption, captionVector, meta}; every row must be
 * of `model` (the identity) and dimension `dim`.
 */
export async function readRows(client, { table = DEFAULT_TABLE, model, dim }) {
  const ident = tableIdent(table);
  const { rows } = await client.query(`SELECT id, image_embedding::text AS image, caption, caption_embedding::text AS caption_vector, model, meta::text AS meta FROM ${ident} ORDER BY id`);
  return rows.map((r) => {
    if (r.model !== model) throw new ModelMismatchError(`${table}: item '${r.id}' was embedded with ${r.model}, not ${model}`, { id: r.model }, { id: model });
    const where = `${table}: item '${r.id}'`;
    let meta = {};
    try {
      meta = JSON.parse(r.meta ?? '{}');
    } catch {
      throw new CorruptDataError('CORRUPT_DATA', `${where}: meta is not JSON`);
    }
    return {
      id: r.id,
      image: parseVector(r.image, dim, `${where}: image_embedding`),
      caption: r.caption ?? null,
      captionVector: r.caption_vector == null ? null : parseVector(r.caption_vector, dim, `${where}: caption_embedding`),
      meta,
    };
  });
}
