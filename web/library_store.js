// Where libraries live: a file in Node (written atomically: new file, fsync, rename), the Origin
// Private File System in browsers (its writable streams swap on close), IndexedDB where OPFS is
// missing. In every case an interrupted save leaves the previous library intact.
import { byteSource, CHUNK_BYTES } from './byte_source.js';
import { NotFoundError } from './errors.js';
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

// A file read into one reused buffer: each chunk is a view of it, valid until the next is read.
async function nodeChunks(file) {
  const fs = await nodeImport('node:fs/promises');
  let h;
  try {
    h = await fs.open(file, 'r');
  } catch (err) {
    if (err.code === 'ENOENT') throw new NotFoundError('NOT_FOUND', `${file}: no such library`);
    throw err;
  }
  let size;
  try {
    size = (await h.stat()).size;
  } catch (err) {
    await h.close();
    throw err;
  }
  async function* chunks() {
    try {
      const buffer = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(size, 1)));
      for (let at = 0; ;) {
        const { bytesRead } = await h.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) return;
        at += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await h.close();
    }
  }
  return { size, chunks: chunks() };
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

/** Writes bytes under `name` (a path in Node; a name in the browser's private storage). */
export async function writeStored(name, bytes) {
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

/**
 * A stored library as a byte source (byte_source.js): its size and its bytes in chunks, read as they
 * are consumed, so opening a big library never holds the whole file in memory.
 */
export async function openStored(name) {
  if (isNode) return nodeChunks(name);
  const dir = await opfsDir();
  if (dir) {
    let file;
    try {
      file = await (await dir.getFileHandle(name)).getFile();
    } catch (err) {
      if (err.name === 'NotFoundError') throw new NotFoundError('NOT_FOUND', `${name}: no such library`);
      throw err;
    }
    return byteSource(file, name);
  }
  const bytes = await idbDo('readonly', (s) => s.get(name));
  if (!bytes) throw new NotFoundError('NOT_FOUND', `${name}: no such library`);
  return byteSource(new Uint8Array(bytes), name);
}

export async function deleteStored(name) {
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
