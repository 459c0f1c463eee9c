// Video frames in browsers: mediabunny demuxes (MP4/MOV, WebM/Matroska) and decodes with WebCodecs,
// returning canvases at the times samplePlan asks for. mediabunny is loaded the first time a video is
// added, from web/vendor/ (scripts/build.sh copies its single-file bundle there; the npm package
// ships it), so photo-only pages never load it.
import { AbortError, VideoError } from './errors.js';
import { samplePlan } from './video_sample.js';

// The vendored copy (a bundler emits it as an asset), then a clone's node_modules (not built yet).
const CLONE = '../node_modules/mediabunny/dist/bundles/mediabunny.min.mjs';
const SOURCES = [
  () => new URL('./vendor/mediabunny.min.mjs', import.meta.url).href,
  () => new URL(CLONE, import.meta.url).href,
];

let loading = null;
function mediabunny() {
  loading ??= (async () => {
    let last;
    for (const url of SOURCES) {
      try {
        return await import(/* @vite-ignore */ /* webpackIgnore: true */ url());
      } catch (err) {
        last = err;
      }
    }
    loading = null;
    throw new VideoError('NO_VIDEO_DECODER', `the video demuxer (mediabunny) could not be loaded: serve web/vendor/ (npm run build) (${last?.message ?? 'not found'})`);
  })();
  return loading;
}

/**
 * Reads a video (bytes or a Blob, never read whole: mediabunny reads the parts it needs) per
 * samplePlan into `selector` (video_sample.js FrameSelector).
 */
export async function readVideoBrowser(input, name, selector, { options, onProgress, signal } = {}) {
  if (typeof VideoDecoder === 'undefined') throw new VideoError('NO_VIDEO_DECODER', `${name}: this browser has no WebCodecs (VideoDecoder) to decode videos with`);
  const mb = await mediabunny();
  const source = input instanceof Blob ? new mb.BlobSource(input) : new mb.BufferSource(input);
  const media = new mb.Input({ formats: mb.ALL_FORMATS, source });
  try {
    let track;
    try {
      track = await media.getPrimaryVideoTrack();
    } catch (err) {
      throw new VideoError('INVALID_VIDEO', `${name}: not a readable video (corrupt, truncated or not a video file: ${err.message})`);
    }
    if (!track) throw new VideoError('INVALID_VIDEO', `${name}: has no video stream`);
    if (!(await track.canDecode())) throw new VideoError('UNSUPPORTED_VIDEO', `${name}: its video codec (${track.codec ?? 'unknown'}) cannot be decoded by this browser`);
    let start, end;
    try {
      start = await track.getFirstTimestamp();
      end = await track.computeDuration();
    } catch (err) {
      throw new VideoError('INVALID_VIDEO', `${name}: corrupt or truncated video (${err.message})`);
    }
    const duration = Math.max(0, end - start);
    if (!(duration > 0)) throw new VideoError('EMPTY_VIDEO', `${name}: the video has no frames`);
    const plan = samplePlan(duration, options);
    const times = plan.mode === 'scan' ? Array.from({ length: Math.ceil(duration / plan.scanStep) }, (_, i) => i * plan.scanStep) : plan.times;
    const w = track.displayWidth, h = track.displayHeight;
    const shrink = Math.min(1, options.maxSide / Math.min(w, h));
    const sink = new mb.CanvasSink(track, { width: Math.max(1, Math.round(w * shrink)), height: Math.max(1, Math.round(h * shrink)), fit: 'fill', poolSize: 2 });
    let k = 0;
    try {
      for await (const wrapped of sink.canvasesAtTimestamps(times.map((t) => start + t))) {
        if (signal?.aborted) throw new AbortError('indexing was cancelled');
        const t = times[k++];
        if (wrapped) {
          const { canvas } = wrapped;
          const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          selector.offer(t, px.data, px.width, px.height, 4);
        }
        onProgress?.(k, times.length);
      }
    } catch (err) {
      if (err instanceof AbortError || err instanceof VideoError) throw err;
      throw new VideoError('INVALID_VIDEO', `${name}: corrupt or truncated video (${err.message})`);
    }
    if (!selector.kept.length) throw new VideoError('EMPTY_VIDEO', `${name}: the video has no frames`);
    return { codec: track.codec, width: w, height: h, duration, created: null };
  } finally {
    media.dispose?.();
  }
}
