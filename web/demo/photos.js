// The original photos, kept in the Origin Private File System so that thumbnails, the preview and
// re-indexing with another model work after a reload. Keyed by a hash of the item id.
const urls = new Map(); // id -> object URL (this session)

async function photosDir(create = true) {
  const root = await navigator.storage?.getDirectory?.().catch(() => null);
  return root ? root.getDirectoryHandle('photos', { create }).catch(() => null) : null;
}

/** A short hex key for `id` (also used to name a model's library). */
export async function photoKey(id) {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id));
  return Array.from(new Uint8Array(d).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function storePhoto(id, blob) {
  if (urls.has(id)) URL.revokeObjectURL(urls.get(id));
  urls.set(id, URL.createObjectURL(blob));
  const dir = await photosDir();
  if (!dir) return;
  const w = await (await dir.getFileHandle(await photoKey(id), { create: true })).createWritable();
  await w.write(blob);
  await w.close();
}

/** The original photo kept on this device for `id`, or null. */
export async function storedPhoto(id) {
  const dir = await photosDir(false);
  if (!dir) return null;
  try {
    return await (await dir.getFileHandle(await photoKey(id))).getFile();
  } catch {
    return null;
  }
}

/** An object URL of the photo, or '' when its original is not on this device. */
export async function photoUrl(id) {
  if (urls.has(id)) return urls.get(id);
  const file = await storedPhoto(id);
  if (!file) return '';
  const url = URL.createObjectURL(file);
  urls.set(id, url);
  return url;
}

/** Forgets every kept photo (Clear library). */
export async function clearPhotos() {
  for (const url of urls.values()) URL.revokeObjectURL(url);
  urls.clear();
  const root = await navigator.storage?.getDirectory?.().catch(() => null);
  await root?.removeEntry('photos', { recursive: true }).catch(() => {});
}
