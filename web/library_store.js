// Where libraries live: a file in Node (written atomically: new file, fsync, rename), the Origin
// Private File System in browsers (its writable streams swap on close), IndexedDB where OPFS is
// missing. In every case an interrupted save leaves the previous library intact.
import { ClipfindError, NotFoundError } from './errors.js';
import { isNode, nodeImport } from './env.js';


async function nodeWrite(file, bytes) {
  const fs = await nodeImport('node:fs/promises');
  const path = await nodeImport('node:path');
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}`);
  const h = await fs.open(tmp, 'w');
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, file);
  const d = await fs.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

async function nodeRead(file) {
  const fs = await nodeImport('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    if (err.code === 'ENOENT') throw new NotFoundError('NOT_FOUND', `${file}: no such library`);
    throw err;
  }
}

const IDB = { db: 'clipfind', store: 'libraries' };
function idb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(IDB.db, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(IDB.store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function idbDo(mode, fn) {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(IDB.store, mode);
    const req = fn(tx.objectStore(IDB.store));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function opfsDir() {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

async function write(name, bytes) {
  if (isNode) return nodeWrite(name, bytes);
  const dir = await opfsDir();
  if (dir) {
    const handle = await dir.getFileHandle(name, { create: true });
    const w = await handle.createWritable(); // writes go to a swap file until close()
    await w.write(bytes);
    await w.close();
    return undefined;
  }
  return idbDo('readwrite', (s) => s.put(bytes, name));
}

async function read(name) {
  if (isNode) return nodeRead(name);
  const dir = await opfsDir();
  if (dir) {
    try {
      const handle = await dir.getFileHandle(name);
      return new Uint8Array(await (await handle.getFile()).arrayBuffer());
    } catch (err) {
      if (err.name === 'NotFoundError') throw new NotFoundError('NOT_FOUND', `${name}: no such library`);
      throw err;
    }
  }
  const bytes = await idbDo('readonly', (s) => s.get(name));
  if (!bytes) throw new NotFoundError('NOT_FOUND', `${name}: no such library`);
  return new Uint8Array(bytes);
}

async function remove(name) {
  if (isNode) {
    const fs = await nodeImport('node:fs/promises');
    await fs.rm(name, { force: true });
    return;
  }
  const dir = await opfsDir();
  if (dir) {
    await dir.removeEntry(name).catch(() => {});
    return;
  }
  await idbDo('readwrite', (s) => s.delete(name));
}

// What the file system or the browser's storage refuses (permissions, a full disk, the quota) is a
// ClipfindError STORAGE naming the library, its cause attached.
async function guarded(name, what, fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ClipfindError) throw err;
    throw new ClipfindError('STORAGE', `${name}: ${what} failed (${err?.message ?? err})`, { cause: err });
  }
}

/** Writes bytes under `name` (a path in Node; a name in the browser's private storage). */
export const writeStored = (name, bytes) => guarded(name, 'saving', () => write(name, bytes));
/** The bytes stored under `name`; NotFoundError when there are none. */
export const readStored = (name) => guarded(name, 'reading', () => read(name));
export const deleteStored = (name) => guarded(name, 'deleting', () => remove(name));
