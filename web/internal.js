// clipfind/internal: what tests, benchmarks and tools reach below the public API. No stability promise.
export { loadWasm } from './wasm.js';
export { probeBandwidth } from './flat_index.js';
export { loadedTowers, LocalModel } from './local_model.js';
export { crc32 } from './checksum.js';
export { encodeLibraryFile, decodeLibraryFile } from './library_file.js';
export { registerSection } from './library_sections.js';
