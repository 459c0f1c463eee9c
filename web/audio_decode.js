// Audio files to mono samples: WAV/FLAC/MP3/OGG (and whatever else the platform's decoder reads).
// In a page or worker: the browser's decodeAudioData (an OfflineAudioContext at the model's rate, so the
// browser's own resampler brings it there). In Node: Debian's ffmpeg decodes at the file's own rate
// into a float WAV on a pipe; clipfind's resampler (src/audio/resample.hpp) brings it to the model's.
// Never decoded by hand. A file that does not decode is an InvalidInputError (code INVALID_AUDIO)
// naming the file.
import { toBytes } from './bytes.js';
import { ClipfindError, InvalidInputError } from './errors.js';
import { isNode, nodeImport } from './env.js';

const bad = (name, why) => new InvalidInputError('INVALID_AUDIO', `${name}: ${why}`);

/** Channels averaged into one. */
function mono(channels, length) {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(length);
  for (const ch of channels) for (let i = 0; i < length; i++) out[i] += ch[i];
  for (let i = 0; i < length; i++) out[i] /= channels.length;
  return out;
}

// The float WAV ffmpeg writes to a pipe: a 'fmt ' chunk (format 3 or extensible), then 'data', whose
// size field may be a placeholder (the pipe cannot seek back), so the data runs to the end.
function readFloatWav(bytes, name) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw bad(name, 'ffmpeg gave no WAV output');
  let at = 12, channels = 0, rate = 0;
  while (at + 8 <= bytes.length) {
    const id = tag(at), size = dv.getUint32(at + 4, true);
    if (id === 'fmt ') {
      channels = dv.getUint16(at + 10, true);
      rate = dv.getUint32(at + 12, true);
    } else if (id === 'data') {
      if (!channels || !rate) break;
      const start = at + 8;
      const frames = Math.floor((bytes.length - start) / (4 * channels));
      const data = new Float32Array(bytes.slice(start, start + frames * 4 * channels).buffer);
      const split = Array.from({ length: channels }, (_, c) => {
        const ch = new Float32Array(frames);
        for (let i = 0; i < frames; i++) ch[i] = data[i * channels + c];
        return ch;
      });
      return { samples: mono(split, frames), sampleRate: rate };
    }
    at += 8 + size + (size & 1);
  }
  throw bad(name, 'ffmpeg output has no audio data');
}

async function decodeWithFfmpeg(bytes, name) {
  const { spawn } = await nodeImport('node:child_process');
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-vn', '-map', '0:a:0', '-f', 'wav', '-c:a', 'pcm_f32le', 'pipe:1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new ClipfindError('UNSUPPORTED_FORMAT', `${name}: decoding audio in Node needs ffmpeg (apt install ffmpeg): ${err.message}`));
      return;
    }
    const out = [], errs = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => errs.push(d));
    child.stdin.on('error', () => {}); // ffmpeg may stop reading a file it refuses: its exit code says why
    child.on('error', (err) => reject(new ClipfindError('UNSUPPORTED_FORMAT', `${name}: decoding audio in Node needs ffmpeg (apt install ffmpeg): ${err.message}`)));
    child.on('close', (code) => {
      const why = Buffer.concat(errs).toString().trim().split('\n').pop();
      if (code !== 0) {
        reject(bad(name, `not a readable audio file (ffmpeg: ${why || `exit ${code}`})`));
        return;
      }
      try {
        const buf = Buffer.concat(out);
        resolve(readFloatWav(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), name));
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.end(bytes);
  });
}

async function decodeInBrowser(bytes, name, rate) {
  const Ctx = globalThis.OfflineAudioContext ?? globalThis.webkitOfflineAudioContext;
  if (!Ctx) throw new ClipfindError('UNSUPPORTED_FORMAT', `${name}: this browser context has no Web Audio decoder (decode audio on the page and pass { samples, sampleRate })`);
  const ctx = new Ctx(1, 1, rate);
  let buffer;
  try {
    buffer = await ctx.decodeAudioData(bytes.slice().buffer);
  } catch (err) {
    throw bad(name, `not a readable audio file (${err?.message ?? err})`);
  }
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { samples: mono(channels, buffer.length), sampleRate: buffer.sampleRate };
}

/**
 * Decoded mono audio from: bytes/Blob/File of an audio file, `{ samples: Float32Array, sampleRate }`
 * (already decoded, mono), or an AudioBuffer. `rate`: what the browser decodes to (the model's rate).
 * @returns {Promise<{samples: Float32Array, sampleRate: number}>}
 */
export async function decodeAudio(input, { name = 'audio', rate = 48000 } = {}) {
  if (input && typeof input === 'object' && input.samples !== undefined) {
    if (!(input.samples instanceof Float32Array)) throw new InvalidInputError('INVALID_ARGUMENT', `${name}: samples must be a Float32Array`);
    if (!Number.isInteger(input.sampleRate) || input.sampleRate < 1 || input.sampleRate > 384000) throw new InvalidInputError('INVALID_ARGUMENT', `${name}: sampleRate must be an integer 1..384000`);
    return input;
  }
  if (input && typeof input.getChannelData === 'function') {
    const channels = Array.from({ length: input.numberOfChannels }, (_, c) => input.getChannelData(c));
    return { samples: mono(channels, input.length), sampleRate: input.sampleRate };
  }
  if (typeof File !== 'undefined' && input instanceof File && name === 'audio') name = input.name;
  const bytes = await toBytes(input, name);
  if (!bytes.byteLength) throw bad(name, 'empty file');
  const decoded = isNode ? await decodeWithFfmpeg(bytes, name) : await decodeInBrowser(bytes, name, rate);
  if (!decoded.samples.length) throw bad(name, 'no audio samples (0-length audio)');
  return decoded;
}
