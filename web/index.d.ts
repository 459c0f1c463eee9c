export type Storage = 'f32' | 'f16' | 'i8';
export type Metric = 'cosine' | 'ip';

export interface FlatIndexOptions {
  /** Vector dimension (1..65536). */
  dim: number;
  /** Storage kind: exact f32 (default), half-precision f16, or i8 with a per-vector scale. */
  storage?: Storage;
  /** 'cosine' (default) normalizes vectors and queries; 'ip' uses them as given. */
  metric?: Metric;
  /** f16/i8 only: keep an f32 copy and re-score the best k*rerank candidates exactly (0 = off). */
  rerank?: number;
}

export interface SearchResult {
  ids: string[];
  scores: Float32Array;
}

export declare class FlatIndex {
  static create(options: FlatIndexOptions): Promise<FlatIndex>;
  static fromBytes(bytes: Uint8Array | ArrayBuffer): Promise<FlatIndex>;
  readonly dim: number;
  readonly storage: Storage;
  readonly metric: Metric;
  readonly size: number;
  readonly memoryBytes: number;
  /** Adds n vectors (Float32Array of n*dim). All-or-nothing; duplicate ids throw InvalidInputError. */
  add(ids: string[], vectors: Float32Array): void;
  /** Replaces vectors of existing ids; unknown ids throw NotFoundError. */
  update(ids: string[], vectors: Float32Array): void;
  /** Removes ids; returns how many were present. */
  remove(ids: string[] | string): number;
  has(id: string): boolean;
  get(id: string): Float32Array;
  /** Top k, best first; ties in insertion order. */
  search(query: Float32Array, k?: number): SearchResult;
  toBytes(): Uint8Array;
  close(): void;
}

export interface TokenizerFiles {
  /** The text of tokenizer.json. */
  tokenizer: string;
  /** The text of tokenizer_config.json (max length, pad token, special tokens). */
  config?: string;
  /** Override the max length read from the files (0: no truncation). */
  maxLength?: number;
  /** Override the pad id read from the files. */
  padId?: number;
}

export interface TokenizerInfo {
  maxLength: number;
  padId: number;
  vocabSize: number;
  padding: 'none' | 'longest' | 'max_length';
}

export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** [rows, columns] */
  dims: [number, number];
}

export declare class Tokenizer {
  static fromFiles(files: TokenizerFiles): Promise<Tokenizer>;
  readonly info: TokenizerInfo;
  /** Ids with special tokens, truncated to the max length (end token kept), unpadded. */
  encode(text: string | Uint8Array, options?: { addSpecialTokens?: boolean; truncation?: boolean }): Int32Array;
  encodeBatch(texts: Array<string | Uint8Array>, options?: { padding?: 'longest' | 'max_length' | false }): EncodedBatch;
  decode(ids: ArrayLike<number | bigint>, options?: { skipSpecialTokens?: boolean }): string;
  tokenToId(token: string): number | undefined;
  close(): void;
}

export interface PreprocessedImage {
  /** Float32 CHW, rescaled and normalized as the model's preprocessor_config.json says. */
  data: Float32Array;
  /** [3, height, width] */
  dims: number[];
}

export declare class ImagePreprocessor {
  /** From the text of preprocessor_config.json (old `size: 224` and new `{shortest_edge}` key styles). */
  static fromConfig(jsonText: string, options?: { maxPixels?: number }): Promise<ImagePreprocessor>;
  /** JPEG/PNG/GIF/BMP bytes: decoded, EXIF-oriented, then resized/cropped exactly as PIL + HF do. */
  fromEncoded(bytes: Uint8Array | ArrayBuffer | Blob): Promise<PreprocessedImage>;
  /** Pixels already decoded by the browser (createImageBitmap + canvas getImageData). */
  fromRGBA(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): PreprocessedImage;
  /** [n, 3, H, W] batch. */
  batch(images: Array<Uint8Array | ArrayBuffer | Blob>): Promise<{ data: Float32Array; dims: number[] }>;
  close(): void;
}

/** Decode only: RGB bytes (EXIF orientation applied). */
export declare function decodeImage(bytes: Uint8Array | ArrayBuffer | Blob, options?: { maxPixels?: number }): Promise<{ data: Uint8Array; width: number; height: number }>;

export type Backend = 'auto' | 'webgpu' | 'wasm';
export type DType = 'fp32' | 'fp16' | 'q8' | 'quantized' | 'int8' | 'uint8' | 'q4';

export interface ModelInfo {
  /** config.json `_name_or_path`, else the folder/URL name. */
  name: string;
  /** name + content hash of the model's config/tokenizer/preprocessor files and dtype. */
  id: string;
  family: 'clip' | 'siglip' | 'mobileclip' | 'open_clip';
  dim: number | null;
  /** The backend that really runs the model ('webgpu' or 'wasm'). */
  backend: 'webgpu' | 'wasm';
  threads: number;
  dtype: DType;
  scoring: 'softmax' | 'sigmoid';
  logitScale: number;
  logitBias: number;
}

export interface ModelLoadOptions {
  backend?: Backend;
  dtype?: DType;
  /** Download progress per file. */
  onProgress?: (event: { file: string; loaded: number; total: number }) => void;
  batchSize?: number;
  /** WASM threads (default: 1 in Node, up to 4 when the page is cross-origin isolated). */
  threads?: number;
  /** Pages run the model in a Web Worker unless false. */
  worker?: boolean;
  /** An onnxruntime-web module to use instead of the bundled builds. */
  ort?: unknown;
}

export type ModelSource = string | URL | FileList | File[] | FileSystemDirectoryHandle |
  { readBytes(file: string, onProgress?: ModelLoadOptions['onProgress']): Promise<Uint8Array>; has(file: string): Promise<boolean> };

export type ImageInput = Uint8Array | ArrayBuffer | Blob | ImageData | ImageBitmap;

export declare class Model {
  /** Directory (Node), base URL (cached for offline use), picked files or a directory handle. */
  static load(source: ModelSource, options?: ModelLoadOptions): Promise<Model>;
  readonly info: ModelInfo;
  /** 'gpu-buffer' when the last output came from WebGPU, 'cpu' otherwise. */
  readonly lastOutputLocation: 'gpu-buffer' | 'cpu' | null;
  /** n × dim, L2-normalized. Loads only the text tower. */
  embedTexts(texts: string[] | string): Promise<Float32Array>;
  /** n × dim, L2-normalized. Loads only the vision tower. */
  embedImages(images: ImageInput[] | ImageInput): Promise<Float32Array>;
  /** Cosine similarity to the model's score: CLIP logits, SigLIP sigmoid probability. */
  score(cosine: number): number;
  close(): Promise<void>;
}

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VALUE' | 'DUPLICATE_ID'
  | 'NOT_FOUND' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'CLOSED' | 'INVALID_MODEL' | 'INVALID_IMAGE' | 'UNSUPPORTED_FORMAT' | 'IMAGE_TOO_LARGE' | 'BACKEND_UNAVAILABLE' | 'NETWORK' | 'OUT_OF_MEMORY' | 'INTERNAL';

export declare class ClipfindError extends Error {
  readonly code: ErrorCode;
}
export declare class InvalidInputError extends ClipfindError {}
export declare class NotFoundError extends ClipfindError {}
export declare class CorruptDataError extends ClipfindError {}
export declare class ModelFileError extends ClipfindError {}
export declare class ImageError extends ClipfindError {}
export declare class ClosedError extends ClipfindError {}

export declare function loadWasm(): Promise<unknown>;
export declare const version: string;
