// Images for Voyage's multimodal API: sent as they are when the API takes them (PNG, JPEG, WebP, GIF,
// within the pixel and byte limits), else decoded, downscaled to fit and re-encoded as JPEG. Nothing
// here talks to the network.
import { toBytes, viewBytes } from './bytes.js';
import { isNode, nodeImport } from './env.js';
import { InvalidInputError } from './errors.js';
import { decodeImage } from './image.js';

// Voyage API reference, POST /v1/multimodalembeddings (docs.voyageai.com/reference/multimodal-
// embeddings-api): "Each image must not contain more than 16 million pixels or be larger than 20 MB
// in size"; image_base64 is a data URL of image/png, image/jpeg, image/webp or image/gif.
export const MAX_IMAGE_PIXELS = 16_000_000;
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Width, height and media type of PNG, JPEG, GIF or WebP bytes from their header; null otherwise. */
export function sniffImage(b) {
  const u32 = (i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { type: 'image/png', width: u32(16), height: u32(20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { type: 'image/gif', width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  if (b.length >= 30 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (chunk === 'VP8X') return { type: 'image/webp', width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
    if (chunk === 'VP8 ') return { type: 'image/webp', width: (b[26] | (b[27] << 8)) & 0x3fff, height: (b[28] | (b[29] << 8)) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return { type: 'image/webp', width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: walk the segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) { i++; continue; }
      const len = (b[i + 2] << 8) | b[i + 3];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'image/jpeg', width: (b[i + 7] << 8) | b[i + 8], height: (b[i + 5] << 8) | b[i + 6] };
      }
      i += 2 + len;
    }
  }
  return null;
}

function base64(bytes) {
  if (isNode) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function canvasOf(width, height) {
  if (isNode) return (await nodeImport('@napi-rs/canvas')).createCanvas(width, height);
  return new OffscreenCanvas(width, height);
}

async function jpeg(canvas) {
  if (typeof canvas.encode === 'function') return new Uint8Array(await canvas.encode('jpeg', 90));
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
}

// RGBA pixels on a canvas of their size, then drawn scaled into one of the target size (the
// canvas's own smoothing filter), JPEG-encoded.
async function encodeScaled(source, width, height, maxPixels) {
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const out = await canvasOf(w, h);
  const ctx = out.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  return { bytes: await jpeg(out), width: w, height: h };
}

async function rgbaCanvas(rgb, width, height) {
  const c = await canvasOf(width, height);
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(width, height);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    img.data[i * 4] = rgb[j];
    img.data[i * 4 + 1] = rgb[j + 1];
    img.data[i * 4 + 2] = rgb[j + 2];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

/**
 * An image as Voyage takes it: { dataUrl, width, height, bytes (encoded length), pixels }. Bytes of an
 * accepted type within the limits go as they are; anything else is decoded (the core's decoders,
 * orientation applied), downscaled to ≤ maxPixels and sent as JPEG.
 */
export async function voyageImage(input, { maxPixels = MAX_IMAGE_PIXELS } = {}) {
  let bytes = viewBytes(input);
  if (!bytes && typeof Blob !== 'undefined' && input instanceof Blob) bytes = await toBytes(input, 'image');
  if (!bytes) {
    // Pixels the page already decoded (ImageData, ImageBitmap).
    const { width, height } = input;
    if (!(width > 0 && height > 0)) throw new InvalidInputError('INVALID_ARGUMENT', 'embedImages: expected bytes, a Blob, ImageData or an ImageBitmap');
    let source = input;
    if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
      source = await canvasOf(width, height);
      source.getContext('2d').putImageData(input, 0, 0);
    }
    const out = await encodeScaled(source, width, height, maxPixels);
    return { dataUrl: `data:image/jpeg;base64,${base64(out.bytes)}`, width: out.width, height: out.height, bytes: out.bytes.length, pixels: out.width * out.height };
  }
  const head = sniffImage(bytes);
  if (head && head.width * head.height <= maxPixels && bytes.length <= MAX_IMAGE_BYTES) {
    return { dataUrl: `data:${head.type};base64,${base64(bytes)}`, width: head.width, height: head.height, bytes: bytes.length, pixels: head.width * head.height };
  }
  // Over a limit, or a format the API does not take (HEIC, AVIF, BMP, ...): decoded here (typed
  // ImageError when it cannot be), scaled, JPEG. A JPEG of ≤ 16 MP at quality 90 is far below 20 MB.
  const { data, width, height } = await decodeImage(bytes);
  const out = await encodeScaled(await rgbaCanvas(data, width, height), width, height, maxPixels);
  return { dataUrl: `data:image/jpeg;base64,${base64(out.bytes)}`, width: out.width, height: out.height, bytes: out.bytes.length, pixels: out.width * out.height };
}
