// Where model files come from: a directory (Node), a base URL (streamed, with progress, kept in the
// Cache API so the second load works offline), files the user picked (FileList or a directory handle).
import { ClipfindError, InvalidInputError, makeError, NotFoundError } from './errors.js';
import { isNode, nodeImport } from './env.js';
import { concatBytes } from './bytes.js';

export const CACHE_NAME = 'clipfind-models-v1';

function notFound(where, file) {
  return new NotFoundError('NOT_FOUND', `${where}: ${file} is missing`);
}

/**
 * Reads a Response body with progress events ({file, loaded, total, cached}). A body that breaks off
 * (connection dropped: the browser fails the read) is a NETWORK error naming the file and how far it
 * got. Content-Length is not compared with the bytes read: for a compressed response it counts the
 * encoded bytes, and CORS hides Content-Encoding.
 */
async function readWithProgress(response, file, onProgress, cached = false) {
  const total = Number(response.headers.get('content-length')) || 0;
  const chunks = [];
  let loaded = 0;
  const stopped = (why) => new ClipfindError('NETWORK', `${file}: the download stopped at ${total ? `${Math.floor((100 * loaded) / total)}% (${loaded} of ${total} bytes)` : `${loaded} bytes`} (${why}); try again`);
  try {
    if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    onProgress({ file, loaded, total, cached });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress({ file, loaded, total, cached });
    }
  } catch (err) {
    throw stopped(err.message || 'connection lost');
  }
  return concatBytes(chunks);
}

class DirectorySource {
  constructor(dir) {
    this.dir = dir;
    this.name = dir.replace(/\/+$/, '').split('/').pop();
  }
  async readBytes(file) {
    const { readFile } = await nodeImport('node:fs/promises');
    const { join } = await nodeImport('node:path');
    try {
      return new Uint8Array(await readFile(join(this.dir, file)));
    } catch (err) {
      if (err.code === 'ENOENT') throw notFound(this.dir, file);
      throw new NotFoundError('NOT_FOUND', `${this.dir}: cannot read ${file}: ${err.message}`);
    }
  }
  async has(file) {
    const { access } = await nodeImport('node:fs/promises');
    const { join } = await nodeImport('node:path');
    return access(join(this.dir, file)).then(() => true, () => false);
  }
}

class UrlSource {
  constructor(base, { cache = true } = {}) {
    this.base = String(base).endsWith('/') ? String(base) : `${base}/`;
    this.name = this.base.replace(/\/+$/, '').split('/').pop();
    this.useCache = cache && typeof caches !== 'undefined';
  }
  async #fetch(file, onProgress) {
    const url = new URL(file, typeof location !== 'undefined' ? new URL(this.base, location.href) : this.base).href;
    const cache = this.useCache ? await caches.open(CACHE_NAME) : null;
    const hit = cache ? await cache.match(url) : undefined;
    if (hit) return readWithProgress(hit, file, onProgress, true);
    let response;
    try {
      response = await fetch(url);
    } catch (err) {
      // Offline, refused by the page's Content-Security-Policy (connect-src), or unreachable.
      const csp = isNode ? '' : ", and the page's Content-Security-Policy (connect-src) must allow the host";
      throw new ClipfindError('NETWORK', `${file}: download from ${new URL(url).origin} failed (${err.message}); models load offline only once downloaded${csp}`);
    }
    if (response.status === 404) throw new NotFoundError('NOT_FOUND', `${file} is missing: ${url} answered HTTP 404`);
    if (!response.ok) throw new ClipfindError('NETWORK', `${file}: ${url} answered HTTP ${response.status}`);
    const bytes = await readWithProgress(response, file, onProgress);
    if (cache) {
      // Best effort: a full quota (or a private window) must not fail the load itself.
      try {
        await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) } }));
      } catch (err) {
        console.warn(`clipfind: could not cache ${url} for offline use (${err.message})`);
      }
    }
    return bytes;
  }
  readBytes(file, onProgress) { return this.#fetch(file, onProgress); }
  async has(file) {
    try {
      await this.#fetch(file);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }
}

class FilesSource {
  // FileList / File[] from <input webkitdirectory> or drag and drop: matched by relative path suffix.
  constructor(files) {
    this.files = Array.from(files);
    const first = this.files[0]?.webkitRelativePath || this.files[0]?.name || 'files';
    this.name = first.includes('/') ? first.split('/')[0] : 'files';
  }
  #find(file) {
    return this.files.find((f) => (f.webkitRelativePath || f.name) === file || (f.webkitRelativePath || '').endsWith(`/${file}`) || (!file.includes('/') && f.name === file));
  }
  async readBytes(file) {
    const f = this.#find(file);
    if (!f) throw notFound(this.name, file);
    return new Uint8Array(await f.arrayBuffer());
  }
  async has(file) { return Boolean(this.#find(file)); }
}

class HandleSource {
  constructor(handle) {
    this.handle = handle;
    this.name = handle.name;
  }
  async #file(file) {
    let dir = this.handle;
    const parts = file.split('/');
    try {
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
      return await (await dir.getFileHandle(parts.at(-1))).getFile();
    } catch {
      return null;
    }
  }
  async readBytes(file) {
    const f = await this.#file(file);
    if (!f) throw notFound(this.name, file);
    return new Uint8Array(await f.arrayBuffer());
  }
  async has(file) { return (await this.#file(file)) !== null; }
}

// 'builtin:NAME': a model that ships in the package (models/NAME/), located through web/builtin_models.js
// so bundlers emit its files; read from disk in Node, fetched in pages.
class BuiltinSource {
  constructor(name) {
    this.name = name;
  }
  async #url(file) {
    const { BUILTIN_MODELS } = await import('./builtin_models.js');
    const files = BUILTIN_MODELS[this.name];
    if (!files) throw new NotFoundError('NOT_FOUND', `builtin:${this.name}: no such built-in model (built in: ${Object.keys(BUILTIN_MODELS).map((n) => `builtin:${n}`).join(', ')})`);
    return files()[file] ?? null;
  }
  async readBytes(file, onProgress) {
    const url = await this.#url(file);
    if (!url) throw notFound(`builtin:${this.name}`, file);
    if (url.protocol === 'file:') {
      const { readFile } = await nodeImport('node:fs/promises');
      return new Uint8Array(await readFile(url));
    }
    let response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw new ClipfindError('NETWORK', `builtin:${this.name}: ${file}: download failed (${err.message})`);
    }
    if (!response.ok) throw makeError(response.status === 404 ? 'NOT_FOUND' : 'NETWORK', `builtin:${this.name}: ${file}: HTTP ${response.status} from ${url.href}`);
    return readWithProgress(response, file, onProgress);
  }
  async has(file) { return (await this.#url(file)) !== null; }
}

export function resolveSource(source) {
  if (source && typeof source.readBytes === 'function' && typeof source.has === 'function') return source;
  if (source instanceof URL) return new UrlSource(source.href);
  if (typeof source === 'string') {
    if (source.startsWith('builtin:')) return new BuiltinSource(source.slice('builtin:'.length));
    if (/^https?:\/\//.test(source) || !isNode) return new UrlSource(source);
    return new DirectorySource(source);
  }
  if (source && typeof source.getDirectoryHandle === 'function') return new HandleSource(source);
  if (source && (Array.isArray(source) || (typeof FileList !== 'undefined' && source instanceof FileList))) return new FilesSource(source);
  throw new InvalidInputError('INVALID_ARGUMENT', 'Model.load: source must be a directory path, a URL, a FileList/File[] or a directory handle');
}
