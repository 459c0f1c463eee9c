// clipfind/internal: for tests, benchmarks and tools. No stability promise between versions.
import type { Embedder, FlatIndex, ModelLoadOptions, ModelSource } from './index.js';

/** The initialized Emscripten module of the C++ core (loaded once per realm). */
export declare function loadWasm(): Promise<any>;
/** Scan-bandwidth probe over an index's f32 bytes (benchmarks). */
export declare function probeBandwidth(index: FlatIndex): number;
/** Which towers a LocalModel has loaded (text search must not load the vision one). */
export declare function loadedTowers(model: LocalModel): { text: boolean; vision: boolean };
/** CRC-32 (IEEE) by the core; the WASM module must be loaded. */
export declare function crc32(bytes: Uint8Array): number;
/** The model run in this thread (what Model.load returns outside pages). */
export declare class LocalModel implements Embedder {
  static load(source: ModelSource, options?: Omit<ModelLoadOptions, 'worker'>): Promise<LocalModel>;
  readonly info: Embedder['info'];
  readonly lastOutputLocation: 'gpu-buffer' | 'cpu' | null;
  embedTexts: Embedder['embedTexts'];
  embedImages: Embedder['embedImages'];
  score(cosine: number): number;
  close(): Promise<void>;
}
