// Video frames in Node: Debian's ffprobe/ffmpeg (scripts/setup.sh installs them) read the file and
// hand frames back as BMP images on a pipe. Nothing here parses a container or a codec.
import { AbortError, VideoError } from './errors.js';
import { nodeImport } from './env.js';
import { fromBmp, samplePlan, VIDEO_DEFAULTS } from './video_sample.js';

let modules;
async function node() {
  modules ??= Promise.all(['node:child_process', 'node:fs/promises', 'node:os', 'node:path'].map(nodeImport))
    .then(([cp, fs, os, path]) => ({ cp, fs, os, path }));
  return modules;
}

// Runs a tool to its end: {code, stdout (Buffer), stderr (text)}. A missing tool is NO_VIDEO_DECODER.
async function run(tool, args, { name, onChunk, signal } = {}) {
  const { cp } = await node();
  return new Promise((resolve, reject) => {
    const child = cp.spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out = [], err = [];
    child.stdout.on('data', (c) => (onChunk ? onChunk(c) : out.push(c)));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => reject(e.name === 'AbortError' ? new AbortError('indexing was cancelled') : e.code === 'ENOENT'
      ? new VideoError('NO_VIDEO_DECODER', `${name}: ${tool} is not installed (Debian: apt-get install ffmpeg; scripts/setup.sh does it)`)
      : e));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').trim() }));
  });
}

// ffmpeg's complaint, shortened to its last lines (the ones that say what went wrong).
const lastLines = (text) => text.split('\n').filter(Boolean).slice(-3).join('; ').slice(0, 400);

// ffprobe's facts about the first video stream; typed errors for what cannot be a video.
async function probe(file, name, signal) {
  const r = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,width,height,duration,nb_frames:format=duration,format_name:format_tags=creation_time', '-of', 'json', file], { name, signal });
  let info = null;
  try {
    info = JSON.parse(r.stdout.toString('utf8'));
  } catch {}
  if (r.code !== 0 || !info) throw new VideoError('INVALID_VIDEO', `${name}: not a readable video (corrupt, truncated or not a video file: ${lastLines(r.stderr) || `ffprobe exited with ${r.code}`})`);
  const stream = info.streams?.[0];
  if (!stream) throw new VideoError('INVALID_VIDEO', `${name}: has no video stream`);
  if (!stream.codec_name || stream.codec_name === 'none') throw new VideoError('UNSUPPORTED_VIDEO', `${name}: its video codec is not one ffmpeg decodes`);
  const duration = Number(stream.duration ?? info.format?.duration);
  return {
    codec: stream.codec_name,
    width: stream.width,
    height: stream.height,
    duration: Number.isFinite(duration) ? duration : 0,
    created: info.format?.tags?.creation_time ?? null,
  };
}

// BMP files one after another on a pipe, split by the size each one's header gives.
function bmpSplitter(onBmp) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 6) {
      const size = buf.readUInt32LE(2);
      if (buf.length < size) break;
      onBmp(new Uint8Array(buf.subarray(0, size)));
      buf = buf.subarray(size);
    }
  };
}

// The filters every frame goes through: shorter side down to maxSide (never up), then BMP.
const scale = (maxSide) => `scale='if(lte(iw,ih),min(${maxSide},iw),-2)':'if(lte(iw,ih),-2,min(${maxSide},ih))'`;

// What ffmpeg's error output says about the file, as [code, message]: a codec it lacks, or damage.
function decodeProblem(name, r) {
  if (/Decoder \(codec [^)]*\) not found|decoder not found|Unsupported codec/i.test(r.stderr)) return ['UNSUPPORTED_VIDEO', `${name}: its video codec cannot be decoded here (${lastLines(r.stderr)})`];
  return ['INVALID_VIDEO', `${name}: corrupt or truncated video (${lastLines(r.stderr) || `ffmpeg exited with ${r.code}`})`];
}

// ffmpeg lines that mean frames were lost: the file is damaged, whatever was decoded.
const DAMAGE = /Invalid data|error while decoding|corrupt|truncat|partial file|Invalid NAL|missing picture|concealing|moov atom not found|EBML header parsing failed|Read error/i;

/**
 * Reads a video file's frames per samplePlan into `selector` (video_sample.js FrameSelector).
 * @returns {Promise<{duration: number, width: number, height: number, codec: string, created: string|null}>}
 */
export async function readVideoFile(file, name, selector, { options = {}, onProgress, signal } = {}) {
  const o = { ...VIDEO_DEFAULTS, ...options };
  const info = await probe(file, name, signal);
  const plan = samplePlan(info.duration, o);
  const common = ['-v', 'error', '-nostdin'];
  if (plan.mode === 'scan') {
    let k = 0;
    const total = Math.max(1, Math.ceil(info.duration / plan.scanStep));
    const split = bmpSplitter((bmp) => {
      const { rgb, width, height } = fromBmp(bmp);
      selector.offer(k * plan.scanStep, rgb, width, height, 3, bmp);
      k++;
      onProgress?.(Math.min(k, total), total);
    });
    const r = await run('ffmpeg', [...common, '-i', file, '-map', '0:v:0', '-vf', `fps=${1 / plan.scanStep}:round=down,${scale(o.maxSide)}`, '-c:v', 'bmp', '-f', 'image2pipe', 'pipe:1'], { name, onChunk: split, signal });
    if (r.code !== 0 || DAMAGE.test(r.stderr)) throw new VideoError(...decodeProblem(name, r));
    if (k === 0) throw new VideoError('EMPTY_VIDEO', `${name}: the video has no frames`);
    if (!info.duration) info.duration = k * plan.scanStep;
  } else {
    // Long videos: one seek per sample (-ss before -i seeks to the keyframe before the time and
    // decodes from there), so the work is maxFrames short decodes whatever the length.
    for (let i = 0; i < plan.times.length; i++) {
      const t = plan.times[i];
      const r = await run('ffmpeg', [...common, '-ss', String(t), '-i', file, '-map', '0:v:0', '-frames:v', '1', '-vf', scale(o.maxSide), '-c:v', 'bmp', '-f', 'image2pipe', 'pipe:1'], { name, signal });
      if (r.code !== 0 || DAMAGE.test(r.stderr)) throw new VideoError(...decodeProblem(name, r));
      if (r.stdout.length > 54) {
        const bmp = new Uint8Array(r.stdout.subarray(0, r.stdout.readUInt32LE(2)));
        const { rgb, width, height } = fromBmp(bmp);
        selector.offer(t, rgb, width, height, 3, bmp);
      }
      onProgress?.(i + 1, plan.times.length);
    }
    if (!selector.kept.length) throw new VideoError('EMPTY_VIDEO', `${name}: the video has no frames`);
  }
  return info;
}

/**
 * Video bytes or a Blob in Node: written to a private temporary file (ffmpeg needs to seek; an MP4's
 * index may be at its end), read, and deleted.
 */
export async function readVideoNode(input, name, selector, opts) {
  const { fs, os, path } = await node();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipfind-video-'));
  const file = path.join(dir, 'video');
  try {
    if (typeof Blob !== 'undefined' && input instanceof Blob) {
      const handle = await fs.open(file, 'w');
      try {
        for await (const chunk of input.stream()) await handle.write(chunk);
      } finally {
        await handle.close();
      }
    } else {
      await fs.writeFile(file, input);
    }
    return await readVideoFile(file, name, selector, opts);
  } catch (err) {
    if (typeof err.message === 'string') err.message = err.message.replaceAll(file, name); // ffmpeg names the temporary copy
    throw err;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
