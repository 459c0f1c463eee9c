// Fuzzing Library.fromBytes (the library file is parsed in JS, so libFuzzer cannot reach it): seed
// libraries made with a constructed model, mutated at three levels — raw bytes (with the file CRC
// re-stamped most of the time, so mutations get past the checksum), the JSON header (structure-aware),
// and the index sections (their own CRC re-stamped) — and an oracle: a typed ClipfindError, or a
// library that searches, lists, saves and reloads.
import { ClipfindError, Library } from 'clipfind';
import { crc32 } from 'node:zlib';
import { decodeLibraryFile, encodeLibraryFile } from '../../../web/library_file.js';
import { conceptModel, img } from '../../js/helpers/concept_model.mjs';

export const model = conceptModel();

/** A few valid libraries covering every storage kind, captions, tags and user metadata. */
export async function makeSeeds() {
  const seeds = [];
  for (const storage of ['f32', 'f16', 'i8']) {
    const lib = await Library.create(model, { storage });
    await lib.add([
      { id: 'a/red car.jpg', image: img('red car'), caption: 'a red car at night', meta: { album: 'trip', tags: ['car'] } },
      { id: 'b.jpg', image: img('dog beach') },
      { id: 'c.jpg', image: img('blue tree'), caption: 'a blue tree' },
    ]);
    seeds.push(lib.toBytes());
    lib.close();
  }
  const empty = await Library.create(model);
  seeds.push(empty.toBytes());
  empty.close();
  const uncaptioned = await Library.create(model);
  await uncaptioned.add([{ id: 'd.jpg', image: img('snow') }]);
  seeds.push(uncaptioned.toBytes());
  uncaptioned.close();
  // Unmutated, every seed must load: otherwise the oracle would only ever see rejections.
  for (const [i, seed] of seeds.entries()) {
    if ((await check(seed)) !== 'loaded') throw new Error(`seed library ${i} does not load`);
  }
  return seeds;
}

function stampCrc(bytes) {
  if (bytes.length >= 8) new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

function mutateBytes(r, input, maxOps = 4) {
  let b = Array.from(input);
  for (let k = 0, n = 1 + Math.floor(r() * maxOps); k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: if (b.length) b[at % b.length] ^= 1 << Math.floor(r() * 8); break;
      case 1: if (b.length) b[at % b.length] = [0, 0xff, 0x7f, 0x80, Math.floor(r() * 256)][Math.floor(r() * 5)]; break;
      case 2: b = b.slice(0, at); break;
      case 3: b.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256))); break;
      case 4: b.splice(at, 1 + Math.floor(r() * 16)); break;
      default: b.splice(at, 0, ...b.slice(Math.floor(r() * b.length), Math.floor(r() * b.length))); break;
    }
  }
  return new Uint8Array(b);
}

function randomValue(r) {
  const choices = [null, true, false, 0, -1, 1, 2.5, 1e308, -1e308, 2 ** 53, '', 'x', 'b.jpg', 'a/red car.jpg', '\u0000', 'x'.repeat(1000), [], ['car'], [1, 2], {}, { id: 'b.jpg' }];
  return structuredClone(choices[Math.floor(r() * choices.length)]);
}

// Every (parent, key) in a JSON value, for picking a random place to change.
function places(value, out = []) {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value, key]);
      places(value[key], out);
    }
  }
  return out;
}

function mutateHeader(r, header) {
  const h = structuredClone(header);
  for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++) {
    const items = Array.isArray(h?.items) ? h.items : null;
    const op = Math.floor(r() * 6);
    if (op === 0 && items?.length) items.push(structuredClone(items[Math.floor(r() * items.length)]));
    else if (op === 1 && items?.length) items.splice(Math.floor(r() * items.length), 1);
    else if (op === 2 && items?.length > 1) {
      const [to, from] = [items[Math.floor(r() * items.length)], items[Math.floor(r() * items.length)]];
      if (to !== null && typeof to === 'object') to.id = from?.id;
    }
    else {
      const all = places(h);
      if (!all.length) return randomValue(r);
      const [parent, key] = all[Math.floor(r() * all.length)];
      if (op === 3 && !Array.isArray(parent)) delete parent[key];
      else parent[key] = randomValue(r);
    }
  }
  return h;
}

/** One mutated input from the seeds (parsed once into `parts`). */
export function mutate(r, seeds, parts) {
  const i = Math.floor(r() * seeds.length);
  const p = parts[i];
  switch (Math.floor(r() * 4)) {
    case 0: {
      const b = mutateBytes(r, seeds[i]);
      return r() < 0.8 ? stampCrc(b) : b;
    }
    case 1:
      return encodeLibraryFile(mutateHeader(r, p.header), p.images, p.captions);
    case 2: {
      const which = r() < 0.5 ? 'images' : 'captions';
      const section = mutateBytes(r, p[which], 2);
      if (r() < 0.8) stampCrc(section);
      return encodeLibraryFile(p.header, which === 'images' ? section : p.images, which === 'captions' ? section : p.captions);
    }
    default: {
      const q = parts[Math.floor(r() * parts.length)];
      return encodeLibraryFile(p.header, q.images, q.captions);
    }
  }
}

export const parseSeeds = (seeds) => seeds.map((s) => decodeLibraryFile(s));

/**
 * The oracle. Returns 'rejected' or 'loaded'; throws anything that is not a typed clipfind error
 * (what the fuzzer reports as a crash).
 */
export async function check(bytes) {
  let lib;
  try {
    lib = await Library.fromBytes(bytes, model);
  } catch (err) {
    if (err instanceof ClipfindError) return 'rejected';
    throw err;
  }
  try {
    const items = [...lib.items()];
    if (items.length !== lib.size) throw new Error(`items() gave ${items.length} of ${lib.size}`);
    const page = await lib.search('red car', { k: 5, cutoff: false });
    if (page.total !== lib.size) throw new Error(`search saw ${page.total} of ${lib.size} items`);
    for (const res of page.results) if (!Number.isFinite(res.score)) throw new Error(`score ${res.score} for ${res.id}`);
    if (items.length) await lib.search([{ id: items[0].id }], { k: 3, filter: { folder: 'a', from: '2000-01-01', tags: ['car'] } });
    await lib.search('dog', { target: 'captions', k: 2 });
    lib.dupes();
    await lib.tag(['red', 'dog']);
    const again = await Library.fromBytes(lib.toBytes(), model);
    if (again.size !== lib.size) throw new Error('a reloaded copy differs in size');
    again.close();
  } finally {
    lib.close();
  }
  return 'loaded';
}
