// Which frames of a video are embedded: one per second plus the first frame after each scene change,
// within a fixed per-video budget, so a 3-hour video costs the same bounded work as a 2-minute one.
// The decoders (video_node.js: ffmpeg; video_browser.js: WebCodecs through mediabunny) hand frames
// here as RGB(A) pixels; the frames kept go to the model as BMP bytes (the core decodes BMP), which
// travel to preprocessing workers and the model worker like any photo.

/** Sampling defaults (library.add's `video` option overrides them). */
export const VIDEO_DEFAULTS = Object.freeze({
  maxFrames: 64, // frames embedded per video, at most
  step: 1, // seconds between regular samples (grows to duration / maxFrames for long videos)
  scanStep: 0.5, // seconds between frames looked at for scene changes (short videos only)
  sceneThreshold: 0.1, // mean absolute difference (0..1) of two 16x16 thumbnails that is a scene change
  maxSide: 384, // frames are scaled down to this shorter side (never up) before embedding
});

/**
 * How a video of `duration` seconds is read. Up to `maxFrames × step` seconds: every frame at
 * `scanStep` intervals is decoded in one pass and looked at (scene changes), and one per `step`
 * seconds plus the scene changes are kept. Longer: `maxFrames` evenly spaced times, each reached by
 * a seek (decoding from the keyframe before it), so the work does not grow with the length.
 * @returns {{mode: 'scan', scanStep: number, step: number} | {mode: 'seek', times: number[]}}
 */
export function samplePlan(duration, options = {}) {
  const o = { ...VIDEO_DEFAULTS, ...options };
  if (duration <= o.maxFrames * o.step) return { mode: 'scan', scanStep: o.scanStep, step: o.step };
  const gap = duration / o.maxFrames;
  return { mode: 'seek', times: Array.from({ length: o.maxFrames }, (_, i) => roundTime((i + 0.5) * gap)) };
}

/** Times are kept to the millisecond: they name index rows (`${id}#t=${time}`), so they must print the same every time. */
export const roundTime = (t) => Math.round(t * 1000) / 1000;

// A 16x16 RGB thumbnail (block means) of RGB or RGBA pixels: what scene changes are judged on.
function thumbnail(px, width, height, channels) {
  const out = new Float32Array(16 * 16 * 3);
  for (let by = 0; by < 16; by++) {
    const y0 = Math.floor((by * height) / 16), y1 = Math.max(y0 + 1, Math.floor(((by + 1) * height) / 16));
    for (let bx = 0; bx < 16; bx++) {
      const x0 = Math.floor((bx * width) / 16), x1 = Math.max(x0 + 1, Math.floor(((bx + 1) * width) / 16));
      let r = 0, g = 0, b = 0, n = 0;
      // every other pixel each way: plenty for a mean
      for (let y = y0; y < y1; y += 2) {
        for (let x = x0; x < x1; x += 2) {
          const k = (y * width + x) * channels;
          r += px[k]; g += px[k + 1]; b += px[k + 2]; n++;
        }
      }
      const o = (by * 16 + bx) * 3;
      out[o] = r / n / 255; out[o + 1] = g / n / 255; out[o + 2] = b / n / 255;
    }
  }
  return out;
}

function difference(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

/**
 * Picks frames as a decoder delivers them in time order: the first, then one every `step` seconds,
 * plus the first frame after a scene change; at the end, at most `maxFrames` (scene changes first,
 * then evenly spaced regular samples).
 */
export class FrameSelector {
  #o;
  #prev = null; // the last frame looked at: its thumbnail
  #lastKept = -Infinity;
  kept = []; // [{time, bmp, cut}]

  constructor(options = {}) { this.#o = { ...VIDEO_DEFAULTS, ...options }; }

  /** Offers a frame: `px` RGB or RGBA (`channels` 3 or 4) rows top to bottom; `bmp` its BMP if the decoder made one. */
  offer(time, px, width, height, channels = 3, bmp = null) {
    const thumb = thumbnail(px, width, height, channels);
    const cut = this.#prev !== null && difference(thumb, this.#prev) >= this.#o.sceneThreshold;
    this.#prev = thumb;
    // a small tolerance: decoders place "every 0.5 s" frames a few ms either side
    if (cut || time - this.#lastKept >= this.#o.step - 0.01) {
      this.kept.push({ time: roundTime(time), bmp: bmp ?? toBmp(px, width, height, channels), cut });
      this.#lastKept = time;
    }
  }

  /** The frames kept, in time order, at most maxFrames. */
  result() {
    const max = this.#o.maxFrames;
    if (this.kept.length <= max) return this.kept;
    const cuts = this.kept.filter((f) => f.cut).slice(0, max);
    const rest = this.kept.filter((f) => !f.cut);
    const room = max - cuts.length;
    const picked = room > 0 ? Array.from({ length: room }, (_, i) => rest[Math.floor(((i + 0.5) * rest.length) / room)]) : [];
    return [...cuts, ...picked].sort((a, b) => a.time - b.time);
  }
}

/** RGB or RGBA pixels (rows top to bottom) as a 24-bit BMP file. */
export function toBmp(px, width, height, channels = 3) {
  const row = (width * 3 + 3) & ~3;
  const out = new Uint8Array(54 + row * height);
  const dv = new DataView(out.buffer);
  out[0] = 0x42; out[1] = 0x4d;
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, 54, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true); // positive: rows stored bottom to top
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 24, true);
  dv.setUint32(34, row * height, true);
  for (let y = 0; y < height; y++) {
    let o = 54 + (height - 1 - y) * row;
    let k = y * width * channels;
    for (let x = 0; x < width; x++, k += channels, o += 3) {
      out[o] = px[k + 2]; out[o + 1] = px[k + 1]; out[o + 2] = px[k];
    }
  }
  return out;
}

/** The pixels of a 24-bit BMP as toBmp and ffmpeg's bmp encoder write it: {rgb, width, height}. */
export function fromBmp(bmp) {
  const dv = new DataView(bmp.buffer, bmp.byteOffset, bmp.byteLength);
  const offset = dv.getUint32(10, true), width = dv.getInt32(18, true), h = dv.getInt32(22, true);
  const height = Math.abs(h);
  const row = (width * 3 + 3) & ~3;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    let o = offset + (h > 0 ? height - 1 - y : y) * row;
    let k = y * width * 3;
    for (let x = 0; x < width; x++, k += 3, o += 3) {
      rgb[k] = bmp[o + 2]; rgb[k + 1] = bmp[o + 1]; rgb[k + 2] = bmp[o];
    }
  }
  return { rgb, width, height };
}
