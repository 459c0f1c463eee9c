// Image decoding and model preprocessing (PIL-exact) in WASM.
import { check, ClosedError, InvalidInputError } from './errors.js';
import { decodeForeign, decodeRefusedJpeg } from './image_codecs.js';
import { copyToHeap, loadWasm } from './wasm.js';

const registry = new FinalizationRegistry((handle) => handle.delete());

async function toBytes(input, what) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected image bytes (Uint8Array, ArrayBuffer or Blob)`);
}

function withHeap(M, bytes, fn) {
  const ptr = copyToHeap(M, bytes);
  try {
    return fn(ptr);
  } finally {
    M._free(ptr);
  }
}

// WebP/HEIC/AVIF: the core reads the header (typed errors, pixel limit) and the format's decoder,
// loaded on first use, returns RGBA; null for the formats the core decodes itself.
async function foreignPixels(M, bytes, maxPixels) {
  const header = withHeap(M, bytes, (ptr) => check(M.foreignHeader(ptr, bytes.byteLength, maxPixels)));
  return header.kind ? decodeForeign(bytes, header) : null;
}

// The core's decode, and for a JPEG stb_image refuses, libjpeg-turbo's pixels with the JPEG's EXIF
// orientation through the same RGBA path (image_codecs.js); other refusals stand.
async function decodeOrFallback(M, bytes, maxPixels, core, fromRgba) {
  try {
    return withHeap(M, bytes, core);
  } catch (err) {
    const px = await decodeRefusedJpeg(bytes, err, maxPixels);
    if (!px) throw err;
    const { orientation } = withHeap(M, bytes, (ptr) => check(M.imageInfo(ptr, bytes.byteLength)));
    return withHeap(M, px.rgba, (ptr) => fromRgba(ptr, px, orientation));
  }
}

/**
 * Decodes JPEG/PNG/GIF/BMP/WebP/HEIC/AVIF bytes to RGB (orientation applied, alpha dropped).
 * @returns {Promise<{data: Uint8Array, width: number, height: number}>}
 */
export async function decodeImage(input, { maxPixels = 100e6 } = {}) {
  const bytes = await toBytes(input, 'decodeImage');
  const M = await loadWasm();
  const px = await foreignPixels(M, bytes, maxPixels);
  if (px) return withHeap(M, px.rgba, (ptr) => check(M.rgbFromDecoded(ptr, px.rgba.byteLength, px.width, px.height, px.orientation, maxPixels)));
  return decodeOrFallback(M, bytes, maxPixels, (ptr) => check(M.decodeImage(ptr, bytes.byteLength, maxPixels)),
    (ptr, p, orientation) => check(M.rgbFromDecoded(ptr, p.rgba.byteLength, p.width, p.height, orientation, maxPixels)));
}

/** EXIF orientation (1-8) and date taken ('YYYY:MM:DD HH:MM:SS' or '') of image bytes, without decoding. */
export async function imageInfo(input) {
  const bytes = await toBytes(input, 'imageInfo');
  const M = await loadWasm();
  return withHeap(M, bytes, (ptr) => check(M.imageInfo(ptr, bytes.byteLength)));
}

export class ImagePreprocessor {
  #M;
  #handle;
  #maxPixels;

  constructor(M, handle, maxPixels) {
    this.#M = M;
    this.#handle = handle;
    this.#maxPixels = maxPixels;
    registry.register(this, handle, this);
  }

  /** @param {string} jsonText the text of the model's preprocessor_config.json */
  static async fromConfig(jsonText, { maxPixels = 100e6 } = {}) {
    if (typeof jsonText !== 'string') throw new InvalidInputError('INVALID_ARGUMENT', 'ImagePreprocessor.fromConfig: expected the text of preprocessor_config.json');
    const M = await loadWasm();
    const handle = new M.PreprocessorHandle();
    try {
      check(handle.init(jsonText));
    } catch (err) {
      handle.delete();
      throw err;
    }
    return new ImagePreprocessor(M, handle, maxPixels);
  }

  /** Encoded image (bytes or Blob) to float32 CHW. @returns {Promise<{data: Float32Array, dims: number[]}>} */
  async fromEncoded(input) {
    const bytes = await toBytes(input, 'fromEncoded');
    this.#live();
    const px = await foreignPixels(this.#M, bytes, this.#maxPixels);
    const h = this.#live();
    if (px) return withHeap(this.#M, px.rgba, (ptr) => this.#result(check(h.fromDecoded(ptr, px.rgba.byteLength, px.width, px.height, px.orientation, this.#maxPixels))));
    return decodeOrFallback(this.#M, bytes, this.#maxPixels, (ptr) => this.#result(check(h.fromEncoded(ptr, bytes.byteLength, this.#maxPixels))),
      (ptr, p, orientation) => this.#result(check(this.#live().fromDecoded(ptr, p.rgba.byteLength, p.width, p.height, orientation, this.#maxPixels))));
  }

  /** RGBA pixels (ImageData.data, e.g. from createImageBitmap + canvas) to float32 CHW. */
  fromRGBA(rgba, width, height) {
    const h = this.#live();
    if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) throw new InvalidInputError('INVALID_ARGUMENT', 'fromRGBA: expected a Uint8Array or Uint8ClampedArray');
    return withHeap(this.#M, rgba, (ptr) => this.#result(check(h.fromRGBA(ptr, rgba.byteLength, width | 0, height | 0, this.#maxPixels))));
  }

  /** Several images into one [n, 3, H, W] batch (all must come out the same size). */
  async batch(inputs) {
    const items = [];
    for (const input of inputs) items.push(await this.fromEncoded(input));
    if (items.length === 0) return { data: new Float32Array(0), dims: [0, 3, 0, 0] };
    const [c, hh, ww] = items[0].dims;
    const data = new Float32Array(items.length * c * hh * ww);
    items.forEach((it, i) => {
      if (it.dims[1] !== hh || it.dims[2] !== ww) throw new InvalidInputError('DIMENSION_MISMATCH', 'batch: images preprocess to different sizes (the config has no crop)');
      data.set(it.data, i * c * hh * ww);
    });
    return { data, dims: [items.length, c, hh, ww] };
  }

  close() {
    if (!this.#handle) return;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  #result({ ptr, length, width, height }) {
    const data = new Float32Array(this.#M.HEAPF32.buffer, ptr, length).slice();
    return { data, dims: [3, height, width] };
  }

  #live() {
    if (!this.#handle) throw new ClosedError('ImagePreprocessor is closed');
    return this.#handle;
  }
}
