// COOP/COEP make the page cross-origin isolated, so ONNX Runtime can use WASM threads. clipfind's
// worker and WASM files are resolved with import.meta.url, which Vite serves as-is.
export default {
  publicDir: '../../../models',
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  optimizeDeps: { exclude: ['clipfind', 'onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
};
