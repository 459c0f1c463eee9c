import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { Library } from 'clipfind';
const db = await PGlite.create({ extensions: { vector } });
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
await server.start();
const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
c.on('error', (e) => console.log('client error', e.message));
await c.connect();
const lib = await Library.open('/tmp/gc.clipfind', null);
try { console.log(await lib.syncTo(c, { batchSize: Number(process.argv[2]), onProgress: (p) => console.log(p) })); } catch (e) { console.log('ERR', e.code, e.message, e.cause); }
await c.end().catch(()=>{}); await server.stop(); await db.close();
