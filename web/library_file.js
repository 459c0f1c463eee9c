// The library file: 'CLIPFLIB', u32 version, then length-prefixed sections (JSON header, image
// index, caption index, then the extra sections the header names in `sections`) and a CRC-32 of
// everything before it. Version 1 files have no extra sections; a file without extras is still written
// as version 1, so photo-only libraries stay readable by older builds. Everything read back is checked
// before a Library is built on it: a damaged file is a CorruptDataError, never a half-working library.
import { ByteReader } from './byte_source.js';
import { crc32 } from './checksum.js';
import { ClipfindError, CorruptDataError } from './errors.js';
import { imageRows } from './video_library.js';

const MAGIC = 'CLIPFLIB';
export const FORMAT_VERSION = 2;
const READS = [1, 2];
const versionMessage = (version) => `library file: format version ${version} (this build reads ${READS.join(' and ')})`;

const fail = (why) => new CorruptDataError('CORRUPT_DATA', `library file: ${why}`);

/**
 * Packs the header object, the two serialized indexes and the extra sections ([{ name, bytes }], e.g.
 * an audio index), whose names the header records in order.
 */
export function encodeLibraryFile(header, imageBytes, captionBytes, extras = []) {
  const enc = new TextEncoder();
  if (extras.length) header = { ...header, sections: extras.map((x) => x.name) };
  const parts = [enc.encode(JSON.stringify(header)), imageBytes, captionBytes, ...extras.map((x) => x.bytes)];
  const total = 12 + parts.reduce((n, p) => n + 4 + p.length, 0) + 4;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(enc.encode(MAGIC), 0);
  dv.setUint32(8, extras.length ? FORMAT_VERSION : 1, true);
  let off = 12;
  for (const p of parts) {
    dv.setUint32(off, p.length, true);
    out.set(p, off + 4);
    off += 4 + p.length;
  }
  dv.setUint32(off, crc32(out.subarray(0, off)), true);
  return out;
}

/** Splits a library file into its parsed header, the two index sections and the extras (not yet loaded). */
export function decodeLibraryFile(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 24) throw fail('too short to be a clipfind library');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw fail('not a clipfind library (bad magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 4;
  if (crc32(bytes.subarray(0, end)) !== dv.getUint32(end, true)) throw fail(`checksum mismatch (damaged or truncated, ${bytes.length} bytes)`);
  const version = dv.getUint32(8, true);
  if (!READS.includes(version)) throw new CorruptDataError('UNSUPPORTED_VERSION', versionMessage(version));
  let off = 12;
  const section = () => {
    if (off + 4 > end) throw fail('truncated section');
    const n = dv.getUint32(off, true);
    off += 4;
    if (n > end - off) throw fail('truncated section');
    const s = bytes.subarray(off, off + n);
    off += n;
    return s;
  };
  let header;
  const text = section();
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch {
    throw fail('header is not valid JSON');
  }
  checkHeader(header, version);
  const images = section();
  const captions = section();
  const extras = new Map();
  for (const name of header.sections ?? []) extras.set(name, section());
  if (off !== end) throw fail(`${end - off} unexpected byte(s) after the sections`);
  return { header, images, captions, extras };
}

/**
 * Reads a library file from a byte source (byte_source.js) in one pass, as decodeLibraryFile checks
 * it, handing each index section to loadIndex(size, pieces) as it arrives: the sections go straight
 * into WASM storage and the file is never whole in memory. onHeader(header) runs once the header is
 * read, before any index is loaded (a model check). Errors keep decodeLibraryFile's precedence: too
 * short, bad magic, checksum, then the rest (the input is read to its end before any of these is
 * reported, so a damaged file is a checksum mismatch whatever part of it is damaged).
 * Extra sections go to loadSection(name, size, pieces) (default: loadIndex); what it returns must have
 * close(). Returns { header, images, captions, extras } with the loaded indexes (extras: name → loaded).
 */
export async function readLibraryFile(source, { loadIndex, loadSection = (name, size, pieces) => loadIndex(size, pieces), onHeader = () => {} }) {
  const reader = new ByteReader(source, fail);
  try {
    return await readFrom(reader, loadIndex, loadSection, onHeader);
  } finally {
    await reader.close();
  }
}

async function readFrom(reader, loadIndex, loadSection, onHeader) {
  const start = await reader.read(12, { upTo: true });
  const known = (n) => reader.size === null || reader.size >= n;
  if (start.length < 12 || !known(24)) throw fail('too short to be a clipfind library');
  if (new TextDecoder().decode(start.subarray(0, 8)) !== MAGIC) {
    if ((await reader.read(12, { upTo: true })).length < 12) throw fail('too short to be a clipfind library');
    throw fail('not a clipfind library (bad magic)');
  }
  const loaded = [];
  let deferred = null; // the first problem found; reported once the checksum is known to be right
  let header;
  try {
    const version = new DataView(start.buffer).getUint32(8, true);
    if (!READS.includes(version)) throw new CorruptDataError('UNSUPPORTED_VERSION', versionMessage(version));
    const sectionSize = async () => {
      const n = new DataView((await reader.read(4)).buffer).getUint32(0, true);
      // Whatever follows the section holds at least the checksum.
      if (reader.size !== null && n > reader.size - reader.consumed - 4) throw fail('truncated section');
      return n;
    };
    const text = await reader.read(await sectionSize());
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
    } catch {
      throw fail('header is not valid JSON');
    }
    checkHeader(header, version);
    onHeader(header);
    for (let i = 0; i < 2; i++) {
      const size = await sectionSize();
      loaded.push(await loadIndex(size, reader.pieces(size)));
    }
    for (const name of header.sections ?? []) {
      const size = await sectionSize();
      loaded.push(await loadSection(name, size, reader.pieces(size)));
    }
  } catch (err) {
    if (!(err instanceof ClipfindError)) throw closing(loaded, err);
    deferred = err;
  }
  const after = await reader.skipRest();
  const total = reader.consumed;
  if (total < 24) throw closing(loaded, fail('too short to be a clipfind library'));
  if (reader.tail !== reader.crc) throw closing(loaded, fail(`checksum mismatch (damaged or truncated, ${total} bytes)`));
  if (!deferred && after < 4) deferred = fail('truncated section');
  if (!deferred && after > 4) deferred = fail(`${after - 4} unexpected byte(s) after the sections`);
  if (deferred) throw closing(loaded, deferred);
  const extras = new Map((header.sections ?? []).map((name, i) => [name, loaded[2 + i]]));
  return { header, images: loaded[0], captions: loaded[1], extras };
}

function closing(indexes, err) {
  for (const index of indexes) index.close();
  return err;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringOrNull = (v) => v === undefined || v === null || typeof v === 'string';

/** Why fusion weights are unusable, or null: each of image/caption, if given, is a number in 0..1000. */
export function weightsProblem(weights) {
  if (weights === undefined || weights === null) return null;
  if (!isObject(weights)) return 'weights must be an object { image, caption }';
  for (const k of ['image', 'caption']) {
    const w = weights[k];
    if (w !== undefined && !(typeof w === 'number' && w >= 0 && w <= 1000)) return `weights.${k} must be a number from 0 to 1000`;
  }
  return null;
}

function checkHeader(header, version) {
  if (!isObject(header)) throw fail('header is not an object');
  const { sections } = header;
  if (version === 1 && sections !== undefined) throw fail('header: a version 1 file has no extra sections');
  if (version > 1 && (!Array.isArray(sections) || !sections.length || !sections.every((n) => typeof n === 'string' && n) || new Set(sections).size !== sections.length)) {
    throw fail('header: sections must be a non-empty list of distinct names');
  }
  const { model, weights, items } = header;
  if (!isObject(model) || typeof model.id !== 'string' || !model.id) throw fail('header lacks the model identity');
  if (!Number.isInteger(model.dim) || model.dim <= 0) throw fail('header: model.dim is not a positive integer');
  const problem = weightsProblem(weights);
  if (problem) throw fail(`header: ${problem}`);
  if (!Array.isArray(items)) throw fail('header lacks the items');
  const seen = new Set();
  items.forEach((it, i) => {
    const bad = (why) => fail(`header: item ${i} ${why}`);
    if (!isObject(it)) throw bad('is not an object');
    if (typeof it.id !== 'string' || !it.id) throw bad('has no id');
    if (seen.has(it.id)) throw bad(`repeats the id ${JSON.stringify(it.id)}`);
    seen.add(it.id);
    if (!isStringOrNull(it.caption)) throw bad('has a caption that is not text');
    for (const key of ['dateTaken', 'folder', 'fileName', 'hash']) if (!isStringOrNull(it[key])) throw bad(`has a ${key} that is not text`);
    if (it.tags !== undefined && (!Array.isArray(it.tags) || !it.tags.every((t) => typeof t === 'string'))) throw bad('has tags that are not a list of text');
    if (it.neutral !== undefined && it.neutral !== null && !Number.isFinite(it.neutral)) throw bad('has a non-numeric baseline');
    if (it.kind === 'video' && !(Array.isArray(it.frames) && it.frames.length && it.frames.every(Number.isFinite) && it.frames.includes(it.posterTime))) throw bad('is a video without its frame times');
  });
}

/**
 * Checks that the loaded indexes agree with the header: one image vector per item, a caption
 * vector exactly for the items with a caption, every dimension the model's.
 */
export function checkIndexes(header, images, captions) {
  const { dim } = header.model;
  if (images.dim !== dim || captions.dim !== dim) throw fail(`index dimensions ${images.dim}/${captions.dim} differ from the model's ${dim}`);
  // one image row per photo, one per sampled frame of a video (video_library.js); sounds have their
  // vectors in the 'audio' section (library_audio.js checks them), not here.
  const photos = header.items.filter((it) => it.kind !== 'audio');
  const rows = photos.reduce((n, it) => n + (it.kind === 'video' ? it.frames.length : 1), 0);
  if (images.size !== rows) throw fail(`${photos.length} items but ${images.size} image vectors`);
  let captioned = 0;
  for (const it of photos) {
    for (const row of imageRows(it)) if (!images.has(row)) throw fail(`item ${JSON.stringify(it.id)} has no image vector${row === it.id ? '' : ` for ${row}`}`);
    const hasCaption = typeof it.caption === 'string' && it.caption.trim() !== '';
    if (hasCaption !== captions.has(it.id)) throw fail(`item ${JSON.stringify(it.id)}: caption and caption vector disagree`);
    if (hasCaption) captioned++;
  }
  if (captioned !== captions.size) throw fail(`${captions.size - captioned} caption vector(s) without an item`);
}
