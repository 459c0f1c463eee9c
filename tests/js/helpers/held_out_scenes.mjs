// Held-out scenes for relevance tests, drawn by the test suite itself in its own style (not the
// training generator's): anti-aliased shapes with a dark outline and a soft drop shadow, a rounded
// square, a fatter star, arbitrary positions inside the centre crop, radial-gradient and blotchy
// backgrounds, other shades of each colour. Pure JS (PNG through node:zlib), seeded.
import { crc32, deflateSync } from 'node:zlib';
import { rng } from './vectors.mjs';

// Other shades than the training palette, same colour names.
export const COLORS = {
  red: [205, 45, 40], green: [45, 160, 70], blue: [40, 75, 205], yellow: [235, 210, 50],
  orange: [235, 125, 35], purple: [125, 55, 165], black: [25, 25, 30], white: [240, 240, 235],
};
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross'];
export const UNRELATED_CAPTIONS = ['holiday snapshot', 'IMG_2041', 'birthday party at grandma\'s', 'scan of an old letter',
  'view from the hotel window', 'our new kitchen', 'receipt for taxes', 'first day of school'];

// Signed-distance-like inside tests in a shape's own frame (unit radius).
function inside(shape, x, y) {
  switch (shape) {
    case 'circle': return x * x + y * y <= 1;
    case 'square': { // rounded corners
      const r = 0.05, ax = Math.abs(x) - (0.95 - r), ay = Math.abs(y) - (0.95 - r);
      return Math.max(ax, ay) <= r && (ax <= 0 || ay <= 0 || ax * ax + ay * ay <= r * r);
    }
    case 'triangle': return y <= 0.5 && Math.abs(x) <= 0.5774 * (y + 1); // apex up, unit circumradius
    case 'cross': return (Math.abs(x) <= 0.3 && Math.abs(y) <= 0.9) || (Math.abs(y) <= 0.3 && Math.abs(x) <= 0.9);
    case 'star': {
      const a = Math.atan2(x, -y), r = Math.hypot(x, y);
      const k = ((a % (2 * Math.PI / 5)) + 2 * Math.PI / 5) % (2 * Math.PI / 5) - Math.PI / 5; // angle from nearest tip
      // polygon edge between a tip (radius 1) and an inner vertex (radius 0.5) at ±36°
      const inner = 0.45;
      const tipX = 0, tipY = 1, inX = inner * Math.sin(Math.PI / 5), inY = inner * Math.cos(Math.PI / 5);
      const px = r * Math.sin(Math.abs(k)), py = r * Math.cos(Math.abs(k));
      // which side of the tip->inner line is the point on
      const cross = (inX - tipX) * (py - tipY) - (inY - tipY) * (px - tipX);
      return cross <= 0;
    }
    default: throw new Error(shape);
  }
}

function png(width, height, rgb) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/**
 * Draws scene `index` of `seed`: {bytes (PNG), objects: [{color, shape}]}. `allowed(color, shape)`
 * keeps combinations out of a library; `shift` redraws the same scene one pixel over (a near copy).
 */
export function drawScene(index, seed, { allowed = () => true, shift = 0, maxObjects = 2, outline: withOutline = true, shadow: withShadow = true } = {}) {
  const r = rng(seed * 7919 + index * 104729 + 17);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const W = 224, H = 224;
  const n = r() < 0.7 || maxObjects < 2 ? 1 : 2;
  const objects = [];
  while (objects.length < n) {
    const o = { color: pick(Object.keys(COLORS)), shape: pick(SHAPES) };
    if (allowed(o.color, o.shape) && !objects.some((p) => p.color === o.color && p.shape === o.shape)) objects.push(o);
  }
  // Background: radial gradient between two muted tones, with a few soft blotches.
  const b0 = [0, 1, 2].map(() => 90 + r() * 90), b1 = [0, 1, 2].map(() => 70 + r() * 110);
  const cx0 = r() * W, cy0 = r() * H;
  const blotches = Array.from({ length: 4 }, () => ({ x: r() * W, y: r() * H, s: 20 + r() * 40, d: (r() - 0.5) * 40 }));
  const img = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = Math.min(1, Math.hypot(x - cx0, y - cy0) / 260);
      let bl = 0;
      for (const b of blotches) bl += b.d * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
      for (let c = 0; c < 3; c++) img[(y * W + x) * 3 + c] = b0[c] * (1 - t) + b1[c] * t + bl;
    }
  }
  // Objects in separate halves when there are two, anywhere in the middle when alone.
  const slots = n === 1 ? [[0.3, 0.7, 0.3, 0.7]] : (r() < 0.5 ? [[0.2, 0.35, 0.3, 0.7], [0.65, 0.8, 0.3, 0.7]] : [[0.3, 0.7, 0.2, 0.35], [0.3, 0.7, 0.65, 0.8]]);
  const placed = objects.map((o, k) => {
    const [x0, x1, y0, y1] = slots[k];
    // The model's world has two sizes (small, large): radii in those two bands.
    const rad = W * (r() < 0.5 ? 0.075 + r() * 0.025 : (0.16 + r() * 0.05) * (n === 1 ? 1 : 0.8));
    const fill = COLORS[o.color].map((v) => Math.max(0, Math.min(255, v + (r() - 0.5) * 24)));
    return { ...o, x: W * (x0 + r() * (x1 - x0)) + shift, y: H * (y0 + r() * (y1 - y0)), rad, angle: r() * 2 * Math.PI, fill };
  });
  const SS = 3; // supersampling per axis
  for (const p of placed) {
    const ca = Math.cos(p.angle), sa = Math.sin(p.angle);
    const outline = p.fill.map((v) => v * 0.45);
    const x0 = Math.max(0, Math.floor(p.x - p.rad * 1.3)), x1 = Math.min(W - 1, Math.ceil(p.x + p.rad * 1.3 + 4));
    const y0 = Math.max(0, Math.floor(p.y - p.rad * 1.3)), y1 = Math.min(H - 1, Math.ceil(p.y + p.rad * 1.3 + 4));
    const local = (px, py, grow) => {
      const dx = (px - p.x) / (p.rad * grow), dy = (py - p.y) / (p.rad * grow);
      return inside(p.shape, dx * ca + dy * sa, -dx * sa + dy * ca);
    };
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let shadow = 0, body = 0, core = 0;
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            const px = x + (sx + 0.5) / SS, py = y + (sy + 0.5) / SS;
            if (withShadow && local(px - 3, py - 3, 1)) shadow++;
            if (local(px, py, 1)) body++;
            if (local(px, py, withOutline ? 1 - 1.5 / p.rad : 1)) core++;
          }
        }
        const k = (y * W + x) * 3, N = SS * SS;
        for (let c = 0; c < 3; c++) {
          let v = img[k + c] * (1 - 0.35 * shadow / N);
          const ink = core / N, edge = (body - core) / N;
          v = v * (1 - ink - edge) + p.fill[c] * ink + outline[c] * edge;
          img[k + c] = v;
        }
      }
    }
  }
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, Math.min(255, Math.round(img[i] + (r() - 0.5) * 6)));
  return { bytes: png(W, H, rgb), objects: objects.map(({ color, shape }) => ({ color, shape })) };
}

/** A caption in the suite's own wording: true (names every object) or unrelated. */
export function captionFor(objects, truthful, r) {
  if (!truthful) return UNRELATED_CAPTIONS[Math.floor(r() * UNRELATED_CAPTIONS.length)];
  const names = objects.map((o) => `${o.color} ${o.shape}`);
  const forms = [(s) => s, (s) => `my ${s}`, (s) => `${s} again`, (s) => `the ${s} I drew`];
  return forms[Math.floor(r() * forms.length)](names.join(' and '));
}
