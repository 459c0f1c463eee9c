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

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VALUE' | 'DUPLICATE_ID'
  | 'NOT_FOUND' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'CLOSED' | 'OUT_OF_MEMORY' | 'INTERNAL';

export declare class ClipfindError extends Error {
  readonly code: ErrorCode;
}
export declare class InvalidInputError extends ClipfindError {}
export declare class NotFoundError extends ClipfindError {}
export declare class CorruptDataError extends ClipfindError {}
export declare class ClosedError extends ClipfindError {}

export declare function loadWasm(): Promise<unknown>;
export declare const version: string;
