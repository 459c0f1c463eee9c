// Test videos made of scenes from the built-in model's world (one coloured shape on a plain
// background, as models/tiny was trained on: scripts/train-tiny/scenes.py), drawn here frame by frame
// in JS (seeded, deterministic) and encoded by ffmpeg from raw RGB on its stdin. The shape drifts a
// little from frame to frame, so the encoder sees motion, not a still.
import { execFileSync } from 'node:child_process';

export const RGB = {
  red: [220, 30, 30], green: [30, 170, 50], blue: [30, 60, 220], yellow: [240, 220, 30],
  orange: [245, 140, 20], purple: [140, 40, 180], black: [15, 15, 15], white: [245, 245, 245],
};

function inside(shape, x, y) {
  switch (shape) {
    case 'circle': return x * x + y * y <= 1;
    case 'square': return Math.abs(x) <= 0.8 && Math.abs(y) <= 0.8;
    case 'triangle': return y <= 0.5 && Math.abs(x) <= 0.5774 * (y + 1);
    case 'cross': return (Math.abs(x) <= 0.36 && Math.abs(y) <= 1) || (Math.abs(y) <= 0.36 && Math.abs(x) <= 1);
    default: throw new Error(`no shape ${shape}`);
  }
}

/** One frame (RGB, width × height) of `scene` {color, shape, background}, `t` seconds into it. */
export function drawFrame({ color, shape, background = [200, 200, 195] }, t, width, height) {
  const px = new Uint8Array(width * height * 3);
  const side = Math.min(width, height);
  const cx = width / 2 + side * 0.04 * Math.sin(t * 1.3), cy = height / 2 + side * 0.03 * Math.cos(t * 0.9);
  const r = side * 0.3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = (y * width + x) * 3;
      const c = inside(shape, (x + 0.5 - cx) / r, (y + 0.5 - cy) / r) ? RGB[color] : background;
      px[k] = c[0]; px[k + 1] = c[1]; px[k + 2] = c[2];
    }
  }
  return px;
}

/**
 * Encodes `scenes` [{color, shape, background?, seconds}] one after another into `file`.
 * codec: 'h264' (MP4/MOV by the file's ending), 'vp8' or 'vp9' (WebM). Deterministic bit for bit
 * (single-threaded encoders, no timestamps from the clock).
 */
export function makeVideo(file, scenes, { width = 160, height = 120, fps = 10, codec = 'h264' } = {}) {
  const frames = [];
  for (const scene of scenes) {
    for (let i = 0; i < Math.round(scene.seconds * fps); i++) frames.push(drawFrame(scene, i / fps, width, height));
  }
  const enc = codec === 'h264' ? ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1', '-g', String(fps * 2)]
    : codec === 'vp9' ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1', '-b:v', '80k', '-g', String(fps * 2)]
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1', '-b:v', '80k', '-g', String(fps * 2)];
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
    ...enc, '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', file], { input: Buffer.concat(frames) });
  return file;
}

/** The known-answer video: a red circle for 0–3 s, a blue square 3–6 s, a green triangle 6–9 s. */
export const KNOWN_SCENES = [
  { color: 'red', shape: 'circle', seconds: 3 },
  { color: 'blue', shape: 'square', seconds: 3 },
  { color: 'green', shape: 'triangle', seconds: 3 },
];
