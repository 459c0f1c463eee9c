// WebP, HEIC/HEIF and AVIF decoding: WebAssembly builds of libwebp (@jsquash/webp), libde265 and
// libheif (libheif-js), dav1d (this package's web/wasm/dav1d.*) and libavif (@jsquash/avif, for the
// AVIF files dav1d's path does not describe). Each is imported the first time a file of its format
// appears, so JPEG/PNG-only use never loads them. The C++ core has already read
// the header (src/image/formats.hpp: which decoder, size under the pixel limit, orientation); this
// returns RGBA pixels that go through the same RGBA path as ImageData.
import { ImageError } from './errors.js';
import { isNode, nodeImport } from './env.js';

const loaded = new Map();
function once(key, load) {
  if (!loaded.has(key)) {
    const p = load();
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return loaded.get(key);
}

// Unbundled pages (no import map) cannot resolve package names: the files build.sh copies to
// web/vendor/, or the installed packages beside this one in node_modules, are tried next. Held in
// a variable so bundlers do not try to resolve them at build time.
const FALLBACK_DIRS = ['./vendor/', '../../'];
async function importDecoder(load, path) {
  try {
    return await load(); // a literal import() inside `load`, so bundlers see and bundle the decoder
  } catch (err) {
    return importFallback(path, err);
  }
}
async function importFallback(path, firstError) {
  for (const dir of FALLBACK_DIRS) {
    try {
      return await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL(`${dir}${path}`, import.meta.url).href);
    } catch {}
  }
  throw new ImageError('UNSUPPORTED_FORMAT', `the decoder ${path} could not be loaded: import 'clipfind' through a bundler, or serve web/vendor/ (npm run build) or node_modules beside the package (${firstError?.message ?? 'not found'})`);
}

// In Node the Emscripten glue of @jsquash cannot fetch its file:// .wasm, so it gets the compiled
// module from disk.
async function nodeWasm(specifier) {
  const [{ readFile }, { fileURLToPath }] = await Promise.all([nodeImport('node:fs/promises'), nodeImport('node:url')]);
  return WebAssembly.compile(await readFile(fileURLToPath(import.meta.resolve(specifier))));
}

// Literal specifiers inside import(): bundlers (Vite, webpack) resolve and package them.
const decoders = {
  // libjpeg-turbo (mozjpeg's decoder): only for JPEGs stb_image refuses.
  jpeg: () => once('jpeg', async () => {
    const mod = await importDecoder(() => import('@jsquash/jpeg/decode.js'), '@jsquash/jpeg/decode.js');
    // libjpeg's warnings ("Corrupt JPEG data: N extraneous bytes...") are what this decoder is for:
    // not printed. Node gets the compiled module from disk; pages let the glue fetch it.
    const quiet = { print: () => {}, printErr: () => {} };
    if (isNode) await mod.init(await nodeWasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'), quiet);
    else await mod.init(quiet);
    return mod.default;
  }),
  webp: () => once('webp', async () => {
    const mod = await importDecoder(() => import('@jsquash/webp/decode.js'), '@jsquash/webp/decode.js');
    if (isNode) await mod.init(await nodeWasm('@jsquash/webp/codec/dec/webp_dec.wasm'));
    return mod.default;
  }),
  avif: () => once('avif', async () => {
    const mod = await importDecoder(() => import('@jsquash/avif/decode.js'), '@jsquash/avif/decode.js');
    if (isNode) await mod.init(await nodeWasm('@jsquash/avif/codec/dec/avif_dec.wasm'));
    return mod.default;
  }),
  // dav1d, built with this package (web/wasm/dav1d.*), and the driver that feeds it AVIF items.
  av1: () => once('av1', async () => {
    const { loadDav1d, decodeAv1Plan } = await import('./av1_decode.js');
    return { D: await loadDav1d(), decodeAv1Plan };
  }),
  // The single-file build: its .wasm is inlined, so it needs no URL of its own anywhere. With it,
  // this package's libde265 driver (imported here, so the app shell does not list it).
  heif: () => once('heif', async () => {
    const mod = await importDecoder(() => import('libheif-js/libheif-wasm/libheif-bundle.mjs'), 'libheif-js/libheif-wasm/libheif-bundle.mjs');
    const [L, { decodeHevcPlan }] = await Promise.all([mod.default(), import('./hevc_decode.js')]);
    return { L, decodeHevcPlan };
  }),
};

const corrupt = (name, why) => new ImageError('INVALID_IMAGE', `${name} data is corrupt or truncated (${why})`);

/** The primary image of a HEIF file, decoded by libheif with its irot/imir applied, as RGBA
 * (for what web/hevc_decode.js does not decode: clean apertures, overlays, 10-bit, monochrome). */
async function decodeHeif(L, bytes, name) {
  const ctx = L.heif_context_alloc();
  const handles = [];
  try {
    const err = L.heif_context_read_from_memory(ctx, bytes);
    if (err.code !== L.heif_error_code.heif_error_Ok) throw corrupt(name, `libheif: ${err.message}`);
    const ids = L.heif_js_context_get_list_of_top_level_image_IDs(ctx);
    if (!ids || ids.code || !ids.length) throw corrupt(name, `libheif: ${ids?.message ?? 'no image'}`);
    let primary = null;
    for (const id of ids) {
      const h = L.heif_js_context_get_image_handle(ctx, id);
      if (!h || h.code) continue;
      handles.push(h);
      if (L.heif_image_handle_is_primary_image(h)) primary = h;
      else primary ??= h;
    }
    if (!primary) throw corrupt(name, 'libheif: no readable image');
    const img = await L.heif_js_decode_image2(primary, L.heif_colorspace.heif_colorspace_RGB, L.heif_chroma.heif_chroma_interleaved_RGBA);
    if (!img || img.code) throw corrupt(name, `libheif: ${img?.message ?? 'decoding failed'}`);
    try {
      const ch = img.channels.find((c) => c.id === L.heif_channel.heif_channel_interleaved);
      if (!ch) throw corrupt(name, 'libheif: no interleaved channel');
      const { width, height, stride, data } = ch;
      const rgba = new Uint8Array(width * height * 4);
      if (stride === width * 4) rgba.set(data.subarray(0, rgba.length));
      else for (let y = 0; y < height; y++) rgba.set(data.subarray(y * stride, y * stride + width * 4), y * width * 4);
      return { rgba, width, height };
    } finally {
      L.heif_image_release(img.image);
    }
  } finally {
    for (const h of handles) L.heif_image_handle_release(h);
    L.heif_context_free(ctx);
  }
}

/**
 * Decodes a WebP/HEIC/AVIF file whose header the core has read (`header` from foreignHeader).
 * @returns {Promise<{rgba: Uint8Array, width: number, height: number, orientation: number}>}
 *   orientation: what the pixels still need (EXIF for WebP, irot/imir for AVIF and HEIC decoded through
 *   libde265 directly; libheif applies its own)
 */
export async function decodeForeign(bytes, header) {
  const { name, plan } = header;
  const fail = (why) => corrupt(name, why);
  if (plan?.codec === 'av1') {
    // AV1 planes from dav1d, converted as heif-convert does; irot/imir are then applied by the core.
    // dav1d's frame size limit: a stream far larger than its item's ispe is refused before decoding.
    const { D, decodeAv1Plan } = await decoders.av1().catch((err) => {
      throw new ImageError('UNSUPPORTED_FORMAT', `the AVIF decoder (web/wasm/dav1d.wasm) could not be loaded (${err?.message ?? err})`, { cause: err });
    });
    const direct = decodeAv1Plan(D, bytes, plan, Math.min(2 ** 31 - 1, 4 * plan.tileWidth * plan.tileHeight), fail);
    if (direct) return { ...direct, orientation: header.orientation };
  }
  const kind = plan?.codec === 'hevc' ? 'heif' : header.kind;
  const decode = await decoders[kind]();
  if (kind === 'heif') {
    // HEVC planes from libde265 with its filters on, converted as heif-convert does; irot/imir are
    // then applied by the core. What the plan does not cover, libheif decodes and turns itself.
    const { L, decodeHevcPlan } = decode;
    const direct = plan?.codec === 'hevc' && decodeHevcPlan(L, bytes, plan, fail);
    if (direct) return { ...direct, orientation: header.orientation };
    return { ...(await decodeHeif(L, bytes, name)), orientation: 1 };
  }
  let image;
  try {
    image = await decode(bytes);
  } catch (err) {
    throw corrupt(name, `${kind === 'webp' ? 'libwebp' : 'libavif'}: ${err?.message ?? err}`);
  }
  const { data, width, height } = image;
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, orientation: header.orientation };
}

// The frame size of a JPEG, read as libjpeg reads markers: bytes that are not a marker are skipped
// (libjpeg warns "extraneous bytes before marker"), fill bytes too. 0x0 when no SOF comes before SOS.
function jpegFrameSize(b) {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) { i++; continue; }
    const m = b[i + 1];
    if (m === 0xff || m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd8)) { i += m === 0xff ? 1 : 2; continue; }
    if (m === 0xda || m === 0xd9) break;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc && i + 9 <= b.length) {
      return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return { width: 0, height: 0 };
}

/**
 * A JPEG the core's stb_image refused (`refusal`, an INVALID_IMAGE), decoded by libjpeg-turbo as PIL
 * decodes it: damaged metadata segments, stray bytes between markers, restart markers out of place.
 * The pixel limit is checked from the SOF before decoding. Resolves to null when libjpeg cannot
 * decode it either (the core's error then stands).
 * @returns {Promise<{rgba: Uint8Array, width: number, height: number} | null>}
 */
export async function decodeRefusedJpeg(bytes, refusal, maxPixels) {
  if (!(refusal instanceof ImageError) || refusal.code !== 'INVALID_IMAGE' || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const { width, height } = jpegFrameSize(bytes);
  if (!width || !height) return null;
  if (width * height > maxPixels) throw new ImageError('IMAGE_TOO_LARGE', `JPEG of ${width}x${height} pixels exceeds the limit of ${maxPixels} pixels`);
  const decode = await decoders.jpeg();
  let image;
  try {
    image = await decode(bytes);
  } catch {
    return null;
  }
  const { data } = image;
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: image.width, height: image.height };
}
