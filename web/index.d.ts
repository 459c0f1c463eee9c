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
  /** Bytes or a Blob/File (read a slice at a time straight into the index's storage). */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | Blob): Promise<FlatIndex>;
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
  /** Why 'auto' did not take WebGPU ('software GPU skipped', 'WebGPU could not run this model'), else null. */
  backendNote: string | null;
  threads: number;
  dtype: DType;
  scoring: 'softmax' | 'sigmoid';
  logitScale: number;
  logitBias: number;
  /**
   * logitScale/logitBias are the model's learned values from config.json. Hugging Face SigLIP
   * configs lack them (they are weights); then defaults are used, `score()` is only a monotone map,
   * and the library's relevance cutoff does not consult SigLIP's sigmoid.
   */
  calibrated: boolean;
}

export interface ModelLoadOptions {
  backend?: Backend;
  dtype?: DType;
  /** Download progress per file (cached: read from the Cache API, no download). */
  onProgress?: (event: { file: string; loaded: number; total: number; cached?: boolean }) => void;
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
  /** 'builtin:tiny' (the built-in model; bundlers emit its files), a directory (Node), a base URL (cached for offline use), picked files or a directory handle. */
  static load(source: ModelSource, options?: ModelLoadOptions): Promise<Model>;
  /**
   * The backend `requested` would run here, without loading a model: 'auto' skips software
   * (fallback) WebGPU adapters such as SwiftShader and says so in `note`.
   */
  static detectBackend(requested?: Backend): Promise<{ backend: 'webgpu' | 'wasm'; shaderF16: boolean; note: string | null }>;
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

export interface FusionWeights {
  /** Weight of the image score for items with a caption (default 0.7); 0..1000. */
  image?: number;
  /** Weight of the caption score (default 0.3); 0..1000. */
  caption?: number;
}

/** What the library keeps per item (plus any user `meta` fields given to add()). */
export interface LibraryItem {
  id: string;
  /** SHA-256 of the image bytes: unchanged files are skipped on re-import. */
  hash: string;
  caption: string | null;
  fileName: string;
  folder: string;
  /** EXIF date taken, 'YYYY-MM-DDTHH:MM:SS', or null. */
  dateTaken: string | null;
  size: number;
  tags: string[];
  /** The item's similarity to neutral prompts: the baseline of the relevance cutoff. */
  neutral: number;
  [meta: string]: unknown;
}

export interface LibraryAddItem {
  /** A unique, non-empty id (a relative path in the demo and the CLI). */
  id: string;
  image: Uint8Array | ArrayBuffer | Blob;
  caption?: string;
  /** Saved with the item as JSON; `tags` must be string[], `dateTaken` a string. */
  meta?: Record<string, unknown>;
}

export interface AddSummary {
  added: number;
  updated: number;
  skipped: number;
  /** Items that could not be added, each with a typed error; the rest of the batch is added. */
  failed: { id: string; error: ClipfindError }[];
}

export interface AddProgress {
  done: number;
  total: number;
  perSecond: number;
  eta: number | null;
}

export type QueryTerm =
  | string
  | { text: string; weight?: number }
  | { image: Uint8Array | ArrayBuffer | Blob; weight?: number }
  | { id: string; weight?: number }
  | { kind: 'text' | 'image' | 'id'; value: unknown; weight: number };

export interface LibrarySearchOptions {
  k?: number;
  offset?: number;
  /** Per-query relevance cutoff: 'auto' (default), options, or false to turn it off. */
  cutoff?: 'auto' | false | CutoffOptions;
  weights?: FusionWeights;
  /** Folder prefix, date range (ISO strings, by EXIF date taken), all of these tags. */
  filter?: { folder?: string; from?: string; to?: string; tags?: string[] };
  /** 'items' (fused image + caption scores, default) or 'captions' (captioned items by caption). */
  target?: 'items' | 'captions';
}

export interface LibraryResult {
  id: string;
  score: number;
  imageScore: number;
  captionScore: number | null;
  /** Relevant first, then by score (README "Relevance"). */
  relevant: boolean;
  /**
   * The numbers behind `relevant`, z-scores. Text queries: `image` against the item's own null (its
   * scores for NULL_TEXTS), `caption` against the caption's and the query's own nulls together
   * ((z₁ + z₂) / √2); image queries: `image` likewise from both photos' sides (the query photo's
   * scores over the library, the candidate's against a sample of it), `caption` against the library.
   * `library`: the query's scores over the library (null below `minLibrary` items of that kind).
   */
  evidence: { image: number | null; caption: number | null; library: { image: number | null; caption: number | null } };
  meta: LibraryItem;
}

/** The relevance rule's knobs; search's `cutoff` overrides any of them. */
export interface CutoffOptions {
  /** z above the item's own null (text queries) or above the library (image queries). Default 4. */
  z?: number;
  /** Robust z above the query's median over the library (text queries). Default 2. */
  zLibrary?: number;
  /** Fewer items of a kind than this: the library null is not used. Default 16. */
  minLibrary?: number;
  /** A calibrated SigLIP's sigmoid must reach this too. Default 0.01. */
  probability?: number;
  /** Image queries in libraries below minLibrary: cosine of an exact or near copy. Default 0.999. */
  copy?: number;
}

/** A person's photos, each embedded as an image and (when it has one) a caption; saved and reopened. */
export declare class Library {
  static create(model: Model | { info: { id: string; dim?: number | null }; embedTexts(t: string[]): Promise<Float32Array>; embedImages(i: unknown[]): Promise<Float32Array> }, options?: { weights?: FusionWeights; storage?: Storage }): Promise<Library>;
  /**
   * Streamed into the indexes' storage (never whole in memory) from bytes, a Blob/File, a ReadableStream
   * or an iterable of byte chunks. A damaged file is a CorruptDataError; one indexed with another model
   * a ModelMismatchError.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>, model: Model, options?: { allowModelMismatch?: boolean }): Promise<Library>;
  /** A file path in Node; a name in the browser's private storage (OPFS, else IndexedDB); read in 1 MiB chunks. */
  static open(name: string, model: Model, options?: { allowModelMismatch?: boolean }): Promise<Library>;
  /** Atomic: an interrupted save leaves the previous version readable. */
  save(name: string): Promise<void>;
  toBytes(): Uint8Array;
  readonly size: number;
  readonly memoryBytes: number;
  readonly modelInfo: { id: string; name: string; family: string; dim: number };
  readonly weights: Required<FusionWeights>;
  get(id: string): LibraryItem | undefined;
  has(id: string): boolean;
  items(): IterableIterator<LibraryItem>;
  add(items: LibraryAddItem[], options?: { onProgress?: (p: AddProgress) => void; signal?: AbortSignal; batchSize?: number }): Promise<AddSummary>;
  remove(ids: string | string[]): number;
  updateCaption(id: string, caption: string | null): Promise<void>;
  setTags(id: string, tags: string[]): void;
  /** A query line ('red car -night, 2:beach') or weighted terms. */
  search(query: string | QueryTerm | QueryTerm[], options?: LibrarySearchOptions): Promise<{ total: number; results: LibraryResult[] }>;
  tag(labels: string[], options?: { threshold?: number; apply?: boolean }): Promise<{ id: string; tags: { label: string; score: number; cosine: number }[] }[]>;
  dupes(options?: { threshold?: number }): string[][];
  merge(other: Library): number;
  reindex(model: Model, loadImage: (id: string) => Promise<Uint8Array | ArrayBuffer | Blob>, options?: { onProgress?: (p: AddProgress) => void; signal?: AbortSignal }): Promise<{ library: Library; summary: AddSummary }>;
  /** SQL that creates the pgvector table (if absent) and upserts every item; a table of another model refuses it. */
  toSql(options?: { table?: string }): string;
  /** The same script statement by statement (large libraries). */
  sqlStatements(options?: { table?: string }): IterableIterator<string>;
  /** Makes a PostgreSQL table equal to this library: incremental, bounded transactions, resumable (NETWORK errors). */
  syncTo(client: PgClient, options?: { table?: string; batchSize?: number; onProgress?: (p: { done: number; total: number }) => void }): Promise<{ upserted: number; deleted: number; unchanged: number }>;
  /** A library from a table toSql/syncTo wrote with the same model (MODEL_MISMATCH otherwise); nothing re-embedded. */
  static fromPostgres(client: PgClient, model: Model, options?: { table?: string; weights?: FusionWeights; storage?: Storage }): Promise<Library>;
  close(): void;
}

/** What syncTo/fromPostgres need of a PostgreSQL client: pg's Client or Pool, or PGlite. */
export interface PgClient {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

export declare class ModelMismatchError extends ClipfindError {
  readonly libraryModel: { id: string; name?: string; family?: string; dim?: number };
  readonly model: ModelInfo;
}

export declare const DEFAULT_WEIGHTS: Readonly<Required<FusionWeights>>;
export declare const NEUTRAL_PROMPTS: readonly string[];
export declare const NULL_TEXTS: readonly string[];
export declare const DEFAULT_CUTOFF: Readonly<Required<CutoffOptions>>;
export declare function parseTerm(raw: string): { kind: 'text' | 'image' | 'id'; value: string; weight: number };
export declare function parseQuery(line: string): { kind: 'text' | 'image' | 'id'; value: string; weight: number }[];
export declare function imageInfo(bytes: Uint8Array | ArrayBuffer | Blob): Promise<{ orientation: number; dateTaken: string }>;

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VALUE' | 'DUPLICATE_ID'
  | 'NOT_FOUND' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'CLOSED' | 'INVALID_MODEL' | 'INVALID_IMAGE' | 'UNSUPPORTED_FORMAT' | 'IMAGE_TOO_LARGE' | 'MODEL_MISMATCH' | 'ABORTED' | 'BACKEND_UNAVAILABLE' | 'NETWORK' | 'DATABASE' | 'OUT_OF_MEMORY' | 'INTERNAL';

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
