// Video items: a video file in, its sampled frames out (times and BMP bytes, video_sample.js), read by
// ffmpeg in Node (video_node.js) and by WebCodecs through mediabunny in browsers (video_browser.js).
import { toBytes, viewBytes } from './bytes.js';
import { sha256Hex } from './digest.js';
import { InvalidInputError, VideoError } from './errors.js';
import { isNode } from './env.js';
import { FrameSelector, VIDEO_DEFAULTS } from './video_sample.js';

/** File name endings clipfind reads as videos (the CLI's folder walk, the demo's importer). */
export const VIDEO_EXTENSIONS = Object.freeze(['.mp4', '.m4v', '.mov', '.webm', '.mkv']);

const isBlob = (x) => typeof Blob !== 'undefined' && x instanceof Blob;

// Videos can be large: above this size only the length and the first and last 8 MiB are hashed
// (what re-import uses to skip unchanged files), so a 4 GB video is not read twice nor held whole.
const WHOLE_HASH_LIMIT = 32 * 1024 * 1024;
const HASH_PART = 8 * 1024 * 1024;

/** The content fingerprint of a video: SHA-256 of the bytes, or of length + head + tail for large files. */
export async function videoHash(input) {
  const size = isBlob(input) ? input.size : viewBytes(input).byteLength;
  if (size <= WHOLE_HASH_LIMIT) return sha256Hex(await toBytes(input, 'item.video'));
  const part = async (from, to) => (isBlob(input) ? new Uint8Array(await input.slice(from, to).arrayBuffer()) : viewBytes(input).subarray(from, to));
  const head = await part(0, HASH_PART), tail = await part(size - HASH_PART, size);
  const buf = new Uint8Array(8 + head.length + tail.length);
  new DataView(buf.buffer).setFloat64(0, size, true);
  buf.set(head, 8);
  buf.set(tail, 8 + head.length);
  return `v1-${await sha256Hex(buf)}`;
}

/**
 * Samples a video (bytes, Blob or File): `{info: {duration, width, height, codec, created}, frames:
 * [{time, bmp}]}`, at most options.maxFrames frames (VIDEO_DEFAULTS). Errors are VideoErrors naming
 * `name`. onProgress(done, total) counts frames looked at.
 */
export async function sampleVideo(input, name, { options, onProgress, signal } = {}) {
  if (!viewBytes(input) && !isBlob(input)) throw new InvalidInputError('INVALID_ARGUMENT', `${name}: item.video must be bytes (Uint8Array, ArrayBuffer) or a Blob/File`);
  const size = isBlob(input) ? input.size : viewBytes(input).byteLength;
  if (size === 0) throw new VideoError('EMPTY_VIDEO', `${name}: the file is empty (0 bytes)`);
  const o = { ...VIDEO_DEFAULTS, ...options };
  const selector = new FrameSelector(o);
  const read = isNode ? (await import('./video_node.js')).readVideoNode : (await import('./video_browser.js')).readVideoBrowser;
  const info = await read(isBlob(input) ? input : viewBytes(input), name, selector, { options: o, onProgress, signal });
  const frames = selector.result();
  if (!frames.length) throw new VideoError('EMPTY_VIDEO', `${name}: the video has no frames`);
  return { info, frames };
}
