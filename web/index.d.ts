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

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VALUE' | 'DUPLICATE_ID'
  | 'NOT_FOUND' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'CLOSED' | 'INVALID_MODEL' | 'OUT_OF_MEMORY' | 'INTERNAL';

export declare class ClipfindError extends Error {
  readonly code: ErrorCode;
}
export declare class InvalidInputError extends ClipfindError {}
export declare class NotFoundError extends ClipfindError {}
export declare class CorruptDataError extends ClipfindError {}
export declare class ModelFileError extends ClipfindError {}
export declare class ClosedError extends ClipfindError {}

export declare function loadWasm(): Promise<unknown>;
export declare const version: string;
