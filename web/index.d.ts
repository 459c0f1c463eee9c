// clipfind: on-device photo and caption search with CLIP-family models. One page: models, the
// library, queries, the building blocks below them, errors. Every error thrown is a ClipfindError
// with a stable `code`; README.md has the long form of each part.

// A type of the DOM where the program has it (a page, a worker), else never: these types compile in
// Node without lib "dom", and in pages with it.
type Dom<K extends string> = typeof globalThis extends Record<K, { prototype: infer T }> ? T : never;

// ─── Models ──────────────────────────────────────────────────────────────────────────────────────

export type Backend = 'auto' | 'webgpu' | 'wasm';
export type DType = 'fp32' | 'fp16' | 'q8' | 'quantized' | 'int8' | 'uint8' | 'q4';
/** Bytes (encoded image files), or pixels the browser already decoded. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | Dom<'ImageData'> | Dom<'ImageBitmap'>;

export interface ModelInfo {
  /** config.json `_name_or_path`, else the folder/URL name. */
  name: string;
  /** name + content hash of config, tokenizer, preprocessor and dtype: what a library records. */
  id: string;
  family: 'clip' | 'siglip' | 'mobileclip' | 'open_clip' | 'clap' | 'voyage';
  /** Embedding size; null until the first embedding when config.json does not state it. */
  dim: number | null;
  /** The backend that really runs the model ('remote': a hosted API, see `remote`). */
  backend: 'webgpu' | 'wasm' | 'remote';
  /** Why 'auto' did not take WebGPU ('software GPU skipped', 'WebGPU could not run this model'), else null. */
  backendNote: string | null;
  threads: number;
  dtype: DType;
  /** The family's score rule (from the C++ config, with padding and pad id); 'cosine' for remote models. */
  scoring: 'softmax' | 'sigmoid' | 'cosine';
  logitScale: number;
  logitBias: number;
  /** logitScale/logitBias are learned values from config.json (HF SigLIP configs lack them: score() is then only monotone). */
  calibrated: boolean;
  /** Remote models only: where texts and images are SENT (the one path off the device). */
  remote?: { provider: 'voyage'; origin: string };
  /** The vision input's edge in pixels (config.json vision_config.image_size): PDF pages render at 2× it. */
  imageSize?: number;
  /** The text tower's token length (config.json text_config.max_position_embeddings): a PDF page's text is cut to this many words. */
  maxTextTokens?: number;
}

/**
 * What every model is: what Model.load returns (in this thread, or in a page's Web Worker), and all
 * that Library and the CLI take. Anything of this shape can stand in (a test double, another runtime).
 */
export interface Embedder {
  readonly info: ModelInfo;
  /**
   * n × dim, L2-normalized, row-major; loads only the text tower. `inputType` matters to models with
   * asymmetric prompts (Voyage): 'query' (default: search terms, the relevance prompts) or 'document'
   * (the library's captions); local models ignore it.
   */
  embedTexts(texts: string[] | string, options?: { inputType?: 'query' | 'document' }): Promise<Float32Array>;
  /** n × dim, L2-normalized, row-major; loads only the vision tower. `inputType`: 'document' (default: items) or 'query' (a query photo). */
  embedImages(images: ImageInput[] | ImageInput, options?: { inputType?: 'query' | 'document' }): Promise<Float32Array>;
  /** A cosine similarity as the model's score: CLIP logits, SigLIP sigmoid probability. */
  score(cosine: number): number;
  /** Frees the sessions (and the worker); later calls throw ClosedError. */
  close(): Promise<void>;
}

/** A sound: audio file bytes (WAV/FLAC/MP3/OGG), an AudioBuffer, or decoded mono samples. */
export type AudioInput = Uint8Array | ArrayBuffer | Blob | Dom<'AudioBuffer'> | { samples: Float32Array; sampleRate: number };

/** What Model.load returns: an Embedder, plus where its last output was computed. */
export interface Model extends Embedder {
  /**
   * CLAP models (family 'clap'): n × dim, L2-normalized. Decoded by the browser (decodeAudioData) or by
   * ffmpeg in Node; features are Hugging Face's ClapFeatureExtractor's, computed in C++. A file that does
   * not decode is an InvalidInputError with code INVALID_AUDIO naming it (`names[i]`, else 'audio i').
   */
  embedAudio(inputs: AudioInput[] | AudioInput, options?: { names?: string[] }): Promise<Float32Array>;
  /** 'gpu-buffer' when the last output came from WebGPU, 'cpu' otherwise, null before the first. */
  readonly lastOutputLocation: 'gpu-buffer' | 'cpu' | null;
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
  /** An onnxruntime-web module to use instead of the bundled builds (runs in this thread). */
  ort?: unknown;
}

/** Where model files come from; a reader object serves any other store. */
export type ModelSource = string | URL | Dom<'FileList'> | File[] | Dom<'FileSystemDirectoryHandle'> |
  { readBytes(file: string, onProgress?: ModelLoadOptions['onProgress']): Promise<Uint8Array>; has(file: string): Promise<boolean> };

/**
 * Voyage AI's hosted voyage-multimodal-3 (README "Voyage multimodal-3"): every text and image embedded
 * is SENT to baseUrl. Nothing is sent by load itself.
 */
export interface RemoteModelSource {
  provider: 'voyage';
  model?: 'voyage-multimodal-3';
  apiKey: string;
  /** Default https://api.voyageai.com (requests go to `${baseUrl}/v1/multimodalembeddings`). */
  baseUrl?: string;
  /** Retries of a 429/5xx/network failure (default 5), waiting Retry-After or an exponential backoff. */
  maxRetries?: number;
  /** Inputs per request, 1..1000 (default 1000, the API's limit). */
  batchSize?: number;
  /** Images over this many pixels are downscaled before upload (default and maximum 16,000,000, the API's limit). */
  maxPixels?: number;
  /** A fetch to use instead of globalThis.fetch. */
  fetch?: (input: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ ok: boolean; status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;
}

export declare const Model: {
  /** 'builtin:tiny', a directory (Node), a base URL (cached for offline use), picked files or a directory handle → a Model. */
  load(source: ModelSource, options?: ModelLoadOptions): Promise<Model>;
  /** A remote model: texts and images are sent to its service (the only such path in clipfind). */
  load(source: RemoteModelSource): Promise<Model>;
  /** The backend `requested` would run here, without loading a model ('auto' skips software WebGPU such as SwiftShader). */
  detectBackend(requested?: Backend): Promise<{ backend: 'webgpu' | 'wasm'; shaderF16: boolean; note: string | null }>;
};

// ─── Library ─────────────────────────────────────────────────────────────────────────────────────

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
  /** The item's similarity to neutral prompts: the baseline of the relevance cutoff (null for sounds). */
  neutral: number | null;
  /** 'photo' when absent (items saved before kinds); 'video'; 'audio' for sounds; 'page' for a PDF page. */
  kind?: 'photo' | 'video' | 'audio' | 'page';
  /** PDF pages: the document's id, this page's number (1-based), the document's page count. */
  document?: string;
  page?: number;
  pages?: number;
  /** Videos: seconds, as the decoder measured it. */
  duration?: number;
  /** Videos: the times (seconds) of the sampled frames, each a row of the image index. */
  frames?: number[];
  /** Videos: the frame that stands for the video (nearest the mean of its frames). */
  posterTime?: number;
  [meta: string]: unknown;
}

/** A sound to add: embedded by the library's audio model (Library.create/open `audioModel`). */
export interface LibraryAddAudioItem {
  id: string;
  audio: AudioInput;
  meta?: Record<string, unknown>;
}

export type LibraryAddItem = {
  /** A unique, non-empty id (a relative path in the demo and the CLI). */
  id: string;
  /** A photo; or give `video` instead. */
  image?: Uint8Array | ArrayBuffer | Blob;
  /** A video (MP4/MOV H.264, WebM VP8/VP9, …): frames sampled per VideoOptions, embedded as images. */
  video?: Uint8Array | ArrayBuffer | Blob;
  caption?: string;
  /** Saved with the item as JSON; `tags` must be string[], `dateTaken` a string. */
  meta?: Record<string, unknown>;
  pdf?: never;
} | {
  /** The document's id; its pages become items `<id>#page=<n>` (1-based), kind 'page'. */
  id: string;
  /** A PDF file: each page is rendered (2× the model's input edge) and its text layer is the page's caption. */
  pdf: Uint8Array | ArrayBuffer | Blob;
  image?: never;
  /** Saved with every page (beside kind, document, documentHash, page, pages, width, height). */
  meta?: Record<string, unknown>;
};

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
  /** While a video is read ('reading': frames looked at) and embedded ('embedding': frames embedded). */
  video?: { id: string; stage: 'reading' | 'embedding'; done: number; total: number };
}

export interface AddOptions {
  onProgress?: (p: AddProgress) => void;
  /** Aborting rejects with AbortError (code ABORTED); items added before stay. */
  signal?: AbortSignal;
  batchSize?: number;
  /** PDFs: pages added per file (default 1000); past it the file fails with PDF_TOO_MANY_PAGES and its first maxPages pages are in. */
  pdf?: {
    maxPages?: number;
    /** Each page added (or unchanged but re-rendered), with its rendered JPEG: e.g. to keep as a thumbnail. */
    onPage?: (page: { id: string; document: string; page: number; image: Uint8Array }) => void | Promise<void>;
  };
  /** How videos are sampled (README "Videos"). */
  video?: VideoOptions;
}

export interface VideoOptions {
  /** Frames embedded per video, at most (default 64). */
  maxFrames?: number;
  /** Seconds between regular samples (default 1). */
  step?: number;
  /** Seconds between frames compared for scene changes (default 0.5). */
  scanStep?: number;
  /** Mean absolute difference (0..1) of 16×16 thumbnails that counts as a scene change (default 0.1). */
  sceneThreshold?: number;
  /** Frames are scaled down to this shorter side before embedding (default 384). */
  maxSide?: number;
}

export interface OpenOptions {
  /** Open a library indexed with another model anyway (its vectors, not the model's, are searched). */
  allowModelMismatch?: boolean;
  /** The audio (CLAP) model of the library's sounds; without it sounds are not searched or added. */
  audioModel?: Model;
}

/** The relevance rule's knobs; search's `cutoff` overrides any of them (README "Relevance"). */
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

export interface LibrarySearchOptions {
  k?: number;
  offset?: number;
  /** Per-query relevance cutoff: 'auto' (default), knobs, or false to turn it off. */
  cutoff?: 'auto' | false | CutoffOptions;
  weights?: FusionWeights;
  /** Folder prefix, date range (ISO strings, by EXIF date taken), all of these tags. */
  filter?: { folder?: string; from?: string; to?: string; tags?: string[] };
  /** 'items' (fused image + caption scores, default) or 'captions' (captioned items by caption). */
  target?: 'items' | 'captions';
}

export interface LibraryResult {
  id: string;
  /** Which kind of item: photos and sounds are searched each with its own model, then merged. */
  kind: 'photo' | 'video' | 'audio' | 'page';
  /** Videos: seconds, the start of the best-matching moment. */
  time?: number;
  /** Videos: seconds, the best-matching frame (the thumbnail to show). */
  frameTime?: number;
  /** The fused cosine (image·0.7 + caption·0.3 by default); for a sound, its audio cosine. */
  score: number;
  /** null for sounds. */
  imageScore: number | null;
  /** Sounds: the cosine of the sound and the query in the audio model's space. */
  audioScore?: number | null;
  captionScore: number | null;
  /** Relevant first, then by score. */
  relevant: boolean;
  /**
   * The z-scores behind `relevant`. Text queries: `image` against the item's own null (its scores for
   * NULL_TEXTS), `caption` against the caption's and the query's own nulls together ((z₁ + z₂) / √2);
   * image queries: `image` likewise from both photos' sides (the query photo's scores over the library,
   * the candidate's against a sample of it), `caption` against the library. `library`: the query's
   * scores over the library (null below `minLibrary` items of that kind).
   */
  evidence: { image: number | null; caption: number | null; audio?: number | null; library: { image: number | null; caption: number | null; audio?: number | null } };
  meta: LibraryItem;
}

/** What syncTo/fromPostgres need of a PostgreSQL client: pg's Client or Pool, or PGlite. */
export interface PgClient {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

/** A person's photos, each embedded as an image and (when it has one) a caption; saved and reopened. */
export declare class Library {
  /** An empty library for `model`, vectors stored as f32 (default), f16 or i8. */
  static create(model: Embedder, options?: { weights?: FusionWeights; storage?: Storage; audioModel?: Model }): Promise<Library>;
  /** A saved library (a file path in Node, a name in the browser's private storage), read in 1 MiB chunks; without a model, stored vectors only. */
  static open(name: string, model?: Embedder, options?: OpenOptions): Promise<Library>;
  /** toBytes() output, streamed into the indexes (bytes, Blob/File, ReadableStream, chunks); damaged → CorruptDataError, another model → ModelMismatchError; without a model, stored vectors only. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>, model?: Embedder, options?: OpenOptions): Promise<Library>;
  /** A table toSql/syncTo wrote with the same model (ModelMismatchError otherwise); nothing re-embedded. */
  static fromPostgres(client: PgClient, model: Embedder, options?: { table?: string; weights?: FusionWeights; storage?: Storage }): Promise<Library>;

  readonly size: number;
  /** Bytes the two indexes hold in WASM memory. */
  readonly memoryBytes: number;
  readonly modelInfo: { id: string; name: string; family: string; dim: number };
  readonly weights: Required<FusionWeights>;
  get(id: string): LibraryItem | undefined;
  has(id: string): boolean;
  items(): IterableIterator<LibraryItem>;

  /** Embeds and stores items; unchanged ones (same id and hash) are skipped, a bad image fails alone. */
  add(items: (LibraryAddItem | LibraryAddAudioItem)[], options?: AddOptions): Promise<AddSummary>;
  /** Removes items; returns how many were present. */
  remove(ids: string | string[]): number;
  /** Sets (or clears, with null or '') an item's caption and re-embeds it. */
  updateCaption(id: string, caption: string | null): Promise<void>;
  /** Replaces an item's tags. */
  setTags(id: string, tags: string[]): void;
  /** Re-embeds every item with another model into a new library; `loadImage(id)` returns its bytes. */
  reindex(model: Embedder, loadImage: (id: string) => Promise<Uint8Array | ArrayBuffer | Blob>, options?: AddOptions): Promise<{ library: Library; summary: AddSummary }>;
  /** Adds another library's items (same model only, else ModelMismatchError); returns how many. */
  merge(other: Library): number;

  /** A query line ('red car -night, 2:beach') or weighted terms → one page of results, relevant first. */
  search(query: string | QueryTerm | QueryTerm[], options?: LibrarySearchOptions): Promise<{ total: number; results: LibraryResult[] }>;
  /** Zero-shot tags: labels whose softmax over the labels reaches `threshold`; `apply` adds them to the items. */
  tag(labels: string[], options?: { threshold?: number; apply?: boolean }): Promise<{ id: string; tags: { label: string; score: number; cosine: number }[] }[]>;
  /** Groups of items whose images are at cosine >= threshold (default 0.95), transitively. */
  dupes(options?: { threshold?: number }): string[][];

  /** Atomic: an interrupted save leaves the previous version readable. */
  save(name: string): Promise<void>;
  /** The versioned, checksummed library file. */
  toBytes(): Uint8Array;
  /** SQL that creates the pgvector table (if absent) and upserts every item; a table of another model refuses it. */
  toSql(options?: { table?: string }): string;
  /** The same script statement by statement (large libraries). */
  sqlStatements(options?: { table?: string }): IterableIterator<string>;
  /** Makes a PostgreSQL table equal to this library: incremental, bounded transactions, resumable (NETWORK errors). */
  syncTo(client: PgClient, options?: { table?: string; batchSize?: number; onProgress?: (p: { done: number; total: number }) => void }): Promise<{ upserted: number; deleted: number; unchanged: number }>;
  /** Frees the indexes' WASM memory (the model stays open: close it yourself). */
  close(): void;
}

export declare const DEFAULT_WEIGHTS: Readonly<Required<FusionWeights>>;
export declare const DEFAULT_CUTOFF: Readonly<Required<CutoffOptions>>;
/** Texts about nothing in particular: each item's baseline. */
export declare const NEUTRAL_PROMPTS: readonly string[];
/** Texts about everyday things: each item's null distribution for text queries. */
export declare const NULL_TEXTS: readonly string[];

// ─── Queries ─────────────────────────────────────────────────────────────────────────────────────

export type QueryTerm =
  | string
  | { text: string; weight?: number }
  | { image: Uint8Array | ArrayBuffer | Blob; weight?: number }
  | { id: string; weight?: number }
  | { kind: 'text' | 'image' | 'id'; value: unknown; weight: number };

/** One CLI-style term: `-` negates, `N:` weights, `image:PATH` / `id:ITEM` pick the kind. */
export declare function parseTerm(raw: string): { kind: 'text' | 'image' | 'id'; value: string; weight: number };
/** A query line: terms split at commas, `-word` split off as a negative term. */
export declare function parseQuery(line: string): { kind: 'text' | 'image' | 'id'; value: string; weight: number }[];

// ─── Building blocks: vector index, tokenizer, images ────────────────────────────────────────────

export type Storage = 'f32' | 'f16' | 'i8';
export type Metric = 'cosine' | 'ip';

export interface FlatIndexOptions {
  /** Vector dimension (1..65536). */
  dim: number;
  /** Exact f32 (default), half-precision f16, or i8 with a per-vector scale. */
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

/** Exact similarity search over vectors with string ids, in WASM memory (free it with close()). */
export declare class FlatIndex {
  static create(options: FlatIndexOptions): Promise<FlatIndex>;
  /** toBytes() output, or a Blob/File read a slice at a time; damaged or truncated input throws CorruptDataError. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | Blob): Promise<FlatIndex>;
  readonly dim: number;
  readonly storage: Storage;
  readonly metric: Metric;
  readonly size: number;
  readonly memoryBytes: number;
  /** Adds n vectors (n*dim floats); all-or-nothing; a duplicate id throws InvalidInputError. */
  add(ids: string[], vectors: Float32Array): void;
  /** Replaces vectors of existing ids; an unknown id throws NotFoundError. */
  update(ids: string[], vectors: Float32Array): void;
  /** Removes ids; returns how many were present. */
  remove(ids: string[] | string): number;
  has(id: string): boolean;
  /** The stored vector (dequantized for f16/i8). */
  get(id: string): Float32Array;
  /** Top k, best first; ties in insertion order. */
  search(query: Float32Array, k?: number): SearchResult;
  /** Every stored id, in the order scoreAll reports. */
  ids(): string[];
  /** Scores of every stored vector against the query, in ids() order. */
  scoreAll(query: Float32Array): Float32Array;
  toBytes(): Uint8Array;
  close(): void;
}

export interface MultiVectorIndexOptions {
  dim: number;
  storage?: Storage;
  /** Token pooling factor: each item's vectors are clustered (Ward) to about count / pool means at add time. 0 or 1: off. */
  pool?: number;
}

/**
 * Late-interaction index (ColBERT/ColPali MaxSim): an item is a bag of vectors, a query a bag of token
 * vectors; score = Σ over query tokens of the best inner product with any of the item's vectors.
 * Vectors are used as given (no normalization).
 */
export declare class MultiVectorIndex {
  static create(options: MultiVectorIndexOptions): Promise<MultiVectorIndex>;
  /** toBytes() output, or a Blob; damaged or truncated input throws CorruptDataError. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | Blob): Promise<MultiVectorIndex>;
  readonly dim: number;
  readonly storage: Storage;
  readonly pool: number;
  /** Items stored. */
  readonly size: number;
  /** Vectors stored over all items (after pooling). */
  readonly vectorCount: number;
  readonly memoryBytes: number;
  /** Item i has counts[i] vectors, in order in `vectors` (Σ counts × dim floats); all-or-nothing. */
  add(ids: string[], vectors: Float32Array, counts: Int32Array | Uint32Array | number[]): void;
  /** Removes ids; returns how many were present. */
  remove(ids: string[] | string): number;
  has(id: string): boolean;
  /** Vectors stored for one item (after pooling). */
  vectorsOf(id: string): number;
  /** Top k by MaxSim, best first; queryVectors holds queryCount × dim floats. */
  search(queryVectors: Float32Array, queryCount: number, k?: number): SearchResult;
  /** Every item id, in the order scoreAll reports. */
  ids(): string[];
  /** MaxSim scores of every item, in ids() order. */
  scoreAll(queryVectors: Float32Array, queryCount: number): Float32Array;
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

/** Hugging Face tokenizer.json (CLIP byte-level BPE, SentencePiece Unigram/BPE), run in WASM. */
export declare class Tokenizer {
  static fromFiles(files: TokenizerFiles): Promise<Tokenizer>;
  readonly info: TokenizerInfo;
  /** Ids with special tokens, truncated to the max length (end token kept), unpadded. */
  encode(text: string | Uint8Array, options?: { addSpecialTokens?: boolean; truncation?: boolean }): Int32Array;
  /** A padded batch with its attention mask (padding: the model's own rule unless given). */
  encodeBatch(texts: Array<string | Uint8Array>, options?: { padding?: 'longest' | 'max_length' | false }): EncodedBatch;
  decode(ids: ArrayLike<number | bigint>, options?: { skipSpecialTokens?: boolean }): string;
  /** The id of a vocabulary token, or undefined. */
  tokenToId(token: string): number | undefined;
  close(): void;
}

export interface PreprocessedImage {
  /** Float32 CHW, rescaled and normalized as the model's preprocessor_config.json says. */
  data: Float32Array;
  /** [3, height, width] */
  dims: number[];
}

/** Options of image decoding: images over maxPixels (default 100 million) are refused before allocation. */
export interface ImageOptions {
  maxPixels?: number;
}

/** A model's image preprocessing (resize, crop, normalize) exactly as PIL + Hugging Face do it. */
export declare class ImagePreprocessor {
  /** From the text of preprocessor_config.json (old `size: 224` and new `{shortest_edge}` styles). */
  static fromConfig(jsonText: string, options?: ImageOptions): Promise<ImagePreprocessor>;
  /** An encoded file (JPEG/PNG/GIF/BMP/WebP/HEIC/AVIF), decoded and EXIF-oriented, to CHW floats. */
  preprocessEncoded(bytes: Uint8Array | ArrayBuffer | Blob): Promise<PreprocessedImage>;
  /** Pixels the browser already decoded (createImageBitmap + canvas getImageData) to CHW floats. */
  preprocessRGBA(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): PreprocessedImage;
  /** Several files into one [n, 3, H, W] batch (all must come out the same size). */
  batch(images: Array<Uint8Array | ArrayBuffer | Blob>): Promise<{ data: Float32Array; dims: number[] }>;
  close(): void;
}

/** Decode only: RGB bytes, EXIF orientation applied, alpha dropped. */
export declare function decodeImage(bytes: Uint8Array | ArrayBuffer | Blob, options?: ImageOptions): Promise<{ data: Uint8Array; width: number; height: number }>;
/** EXIF orientation (1-8) and date taken ('YYYY:MM:DD HH:MM:SS' or ''), without decoding. */
export declare function imageInfo(bytes: Uint8Array | ArrayBuffer | Blob): Promise<{ orientation: number; dateTaken: string }>;

// ─── Errors ──────────────────────────────────────────────────────────────────────────────────────

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VALUE' | 'DUPLICATE_ID'
  | 'NOT_FOUND' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'CLOSED' | 'INVALID_MODEL' | 'INVALID_IMAGE'
  | 'UNSUPPORTED_FORMAT' | 'IMAGE_TOO_LARGE' | 'MODEL_MISMATCH' | 'ABORTED' | 'BACKEND_UNAVAILABLE'
  | 'NETWORK' | 'DATABASE' | 'STORAGE' | 'OUT_OF_MEMORY' | 'INTERNAL'
  | 'INVALID_PDF' | 'PDF_ENCRYPTED' | 'PDF_TOO_MANY_PAGES' | 'PDF_PAGE' | 'PDF_UNAVAILABLE'
  | 'REMOTE_UNAUTHORIZED' | 'REMOTE_BAD_REQUEST' | 'REMOTE_RATE_LIMITED' | 'REMOTE_UNAVAILABLE' | 'REMOTE_BAD_RESPONSE' | 'REMOTE_UNREACHABLE';

/** Every error clipfind throws; `code` is stable, `message` is for people. */
export declare class ClipfindError extends Error {
  readonly code: ErrorCode;
}
/** Malformed input: INVALID_ARGUMENT, DIMENSION_MISMATCH, INVALID_VALUE, DUPLICATE_ID. */
export declare class InvalidInputError extends ClipfindError {}
/** NOT_FOUND: an id, file or library that does not exist. */
export declare class NotFoundError extends ClipfindError {}
/** CORRUPT_DATA, UNSUPPORTED_VERSION: an index, library or table failed validation. */
export declare class CorruptDataError extends ClipfindError {}
/** INVALID_MODEL: a model, tokenizer or config file is malformed or unsupported. */
export declare class ModelFileError extends ClipfindError {}
/** INVALID_IMAGE, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE. */
export declare class ImageError extends ClipfindError {}
/** A PDF: INVALID_PDF (damaged, not a PDF), PDF_ENCRYPTED, PDF_TOO_MANY_PAGES (over pdf.maxPages), PDF_PAGE (one page failed), PDF_UNAVAILABLE (pdf.js could not load). Messages start with the file's id. */
export declare class DocumentError extends ClipfindError {}
/** A remote model's service: REMOTE_UNAUTHORIZED (401/403), REMOTE_BAD_REQUEST (other 4xx), REMOTE_RATE_LIMITED / REMOTE_UNAVAILABLE (429 / 5xx after retries), REMOTE_BAD_RESPONSE, REMOTE_UNREACHABLE. Never holds the API key. */
export declare class RemoteError extends ClipfindError {}
/** A video could not be read (INVALID_VIDEO, UNSUPPORTED_VIDEO, EMPTY_VIDEO, NO_VIDEO_DECODER); the message names the file. */
export declare class VideoError extends ClipfindError {}
/** CLOSED: used after close(). */
export declare class ClosedError extends ClipfindError {}
/** ABORTED: stopped by its AbortSignal; named 'AbortError' as the DOM names a cancelled fetch. */
export declare class AbortError extends ClipfindError {}
/** MODEL_MISMATCH: a library or table of another model than the one given. */
export declare class ModelMismatchError extends ClipfindError {
  readonly libraryModel: { id: string | null; name?: string; family?: string; dim?: number };
  readonly model: Partial<ModelInfo>;
}

/** The package's version (package.json), which the WASM core is built with. */
export declare const version: string;
