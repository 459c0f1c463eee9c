// ONNX Runtime Web for the local model: which build to load here, and which backend runs it.
import { ClipfindError, InvalidInputError } from './errors.js';
import { isNode, nodeImport } from './env.js';

// ONNX Runtime Web: in Node its package entry (WASM backend). In browsers, first the builds the
// repository's build copies to web/vendor/ort/ (pages served as files, no bundler or import map), then
// the `onnxruntime-web` dependency by name, which bundlers (Vite, webpack) resolve and package with its
// .wasm; served unbundled from node_modules, the sibling package's dist/ is the last resort.
const ortBuilds = new Map();
export function defaultOrt(backend) {
  const key = isNode ? 'node' : backend === 'webgpu' ? 'webgpu' : 'wasm';
  if (!ortBuilds.has(key)) ortBuilds.set(key, isNode ? nodeImport('onnxruntime-web') : browserOrt(key));
  return ortBuilds.get(key);
}

const ORT_FILES = {
  wasm: { entry: 'ort.wasm.min.mjs', factory: 'ort-wasm-simd-threaded' },
  webgpu: { entry: 'ort.webgpu.min.mjs', factory: 'ort-wasm-simd-threaded.asyncify' },
};
// Directories (relative to this file) that may hold ORT's unbundled files. Held in a variable so
// bundlers do not try to resolve them at build time.
const ORT_DIRS = ['./vendor/ort/', '../../onnxruntime-web/dist/'];

async function browserOrt(key) {
  const { entry, factory } = ORT_FILES[key];
  // A bundler rewrites these literal specifiers to its own chunks; unbundled, a bare specifier fails
  // at once (no request), and the files served beside this module are used.
  try {
    const ort = key === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
    return ort.default?.InferenceSession ? ort.default : ort;
  } catch {}
  let lastError;
  for (const dir of ORT_DIRS) {
    const base = new URL(dir, import.meta.url);
    let ort;
    try {
      ort = await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL(entry, base).href);
    } catch (err) {
      lastError = err;
      continue;
    }
    // ORT starts its WASM threads from the factory script; from a blob URL those workers share this
    // context's service worker, so they load offline as well.
    try {
      const text = await (await fetch(new URL(`${factory}.mjs`, base))).text();
      const mjs = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
      ort.env.wasm.wasmPaths = { mjs, wasm: new URL(`${factory}.wasm`, base).href };
    } catch {
      ort.env.wasm.wasmPaths = base.href;
    }
    return ort;
  }
  throw new ClipfindError('BACKEND_UNAVAILABLE', `ONNX Runtime Web could not be loaded: import 'clipfind' through a bundler, or serve the package with web/vendor/ort/ (npm run build) or node_modules/onnxruntime-web beside it (${lastError?.message ?? 'not found'})`);
}

// A software WebGPU adapter (Chromium's SwiftShader: isFallbackAdapter, on adapter.info in newer
// browsers) runs ORT's kernels on the CPU about 50-100x slower than the WASM backend.
function isSoftwareAdapter(adapter) {
  return Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) || adapter.info?.architecture === 'swiftshader';
}

/** What `backend` would run here: { backend, shaderF16, note } (note says why 'auto' took WASM). */
export async function detectBackend(requested = 'auto') {
  if (requested === 'wasm') return { backend: 'wasm', shaderF16: false, note: null };
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  let adapter = null;
  if (gpu) {
    try {
      adapter = await gpu.requestAdapter();
    } catch {
      adapter = null;
    }
  }
  const shaderF16 = Boolean(adapter?.features.has('shader-f16'));
  if (requested === 'webgpu') return { backend: adapter ? 'webgpu' : 'wasm', shaderF16, note: adapter ? null : 'no WebGPU adapter' };
  if (adapter && isSoftwareAdapter(adapter)) return { backend: 'wasm', shaderF16: false, note: 'software GPU skipped' };
  return { backend: adapter ? 'webgpu' : 'wasm', shaderF16, note: null };
}

/** The backend to run `dtype` on for `requested`; BACKEND_UNAVAILABLE when WebGPU was asked for and cannot. */
export async function pickBackend(requested, dtype) {
  if (!['auto', 'webgpu', 'wasm'].includes(requested)) throw new InvalidInputError('INVALID_ARGUMENT', `backend must be 'auto', 'webgpu' or 'wasm', got '${requested}'`);
  const found = await detectBackend(requested);
  if (requested === 'webgpu') {
    if (found.backend !== 'webgpu') throw new ClipfindError('BACKEND_UNAVAILABLE', 'WebGPU was requested but no WebGPU adapter is available');
    if (dtype === 'fp16' && !found.shaderF16) throw new ClipfindError('BACKEND_UNAVAILABLE', 'fp16 on WebGPU needs the shader-f16 feature, which this adapter lacks');
    return found;
  }
  if (found.backend === 'webgpu' && dtype === 'fp16' && !found.shaderF16) return { ...found, backend: 'wasm' };
  return found;
}
