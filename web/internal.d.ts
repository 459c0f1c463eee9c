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
/** Packs a library file: header, image and caption index bytes, then named extra sections. */
export declare function encodeLibraryFile(header: object, imageBytes: Uint8Array, captionBytes: Uint8Array, extras?: { name: string; bytes: Uint8Array }[]): Uint8Array;
/** Splits a library file into its checked header and its (unloaded) sections. */
export declare function decodeLibraryFile(bytes: Uint8Array): { header: any; images: Uint8Array; captions: Uint8Array; extras: Map<string, Uint8Array> };
/** How the extra section `name` of a library file loads: load(size, pieces) → { toBytes(), close(), memoryBytes }. */
export declare function registerSection(name: string, load: (size: number, pieces: AsyncIterable<Uint8Array>) => Promise<{ toBytes(): Uint8Array; close(): void; memoryBytes: number }>): void;
