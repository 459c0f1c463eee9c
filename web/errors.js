// Typed errors of the public API. Every error thrown by clipfind is a ClipfindError with a stable
// `code`; subclasses group codes by what the caller can do about them. An error's `name` is its class.

export class ClipfindError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
  }
}

/** The caller passed something malformed: wrong length, NaN, duplicate id, bad option. */
export class InvalidInputError extends ClipfindError {}

/** An id or file that does not exist. */
export class NotFoundError extends ClipfindError {}

/** Serialized data (index, library, model file) failed validation. */
export class CorruptDataError extends ClipfindError {}

/** A model, tokenizer or config file is malformed or uses something unsupported. */
export class ModelFileError extends ClipfindError {}

/** An image could not be decoded: corrupt, unsupported format, or over the pixel limit. */
export class ImageError extends ClipfindError {}

/** A document (PDF) could not be read: encrypted, damaged, over the page budget, or a page that failed. */
export class DocumentError extends ClipfindError {}

/**
 * A remote model's service (Voyage) refused or failed: REMOTE_UNAUTHORIZED (401/403),
 * REMOTE_BAD_REQUEST (400 and other 4xx), REMOTE_RATE_LIMITED / REMOTE_UNAVAILABLE (429 / 5xx after
 * the retries), REMOTE_BAD_RESPONSE, REMOTE_UNREACHABLE. Messages never hold the API key.
 */
export class RemoteError extends ClipfindError {}

/**
 * A video could not be read: corrupt or truncated (INVALID_VIDEO), a codec this platform cannot
 * decode (UNSUPPORTED_VIDEO), no frames at all (EMPTY_VIDEO), or no decoder here (NO_VIDEO_DECODER:
 * ffmpeg missing in Node, WebCodecs missing in the browser). The message names the file.
 */
export class VideoError extends ClipfindError {}

/** The object was used after close(). */
export class ClosedError extends ClipfindError {
  constructor(message) {
    super('CLOSED', message);
  }
}

/**
 * Work stopped by its AbortSignal (code ABORTED). Named AbortError, as the DOM names a cancelled
 * fetch, so code that tests `err.name === 'AbortError'` handles both.
 */
export class AbortError extends ClipfindError {
  constructor(message) {
    super('ABORTED', message);
  }
}

/** A library, table or file made with another model than the one given (code MODEL_MISMATCH). */
export class ModelMismatchError extends ClipfindError {
  constructor(message, libraryModel, model) {
    super('MODEL_MISMATCH', message);
    this.libraryModel = libraryModel;
    this.model = model;
  }
}

// Names written out: a minifying bundler renames classes, and err.name must not change with it.
for (const [name, cls] of Object.entries({ ClipfindError, InvalidInputError, NotFoundError, CorruptDataError, ModelFileError, ImageError, DocumentError, RemoteError, VideoError, ClosedError, AbortError, ModelMismatchError })) {
  cls.prototype.name = name;
}

const byCode = {
  INVALID_ARGUMENT: InvalidInputError,
  DIMENSION_MISMATCH: InvalidInputError,
  INVALID_VALUE: InvalidInputError,
  DUPLICATE_ID: InvalidInputError,
  NOT_FOUND: NotFoundError,
  CORRUPT_DATA: CorruptDataError,
  UNSUPPORTED_VERSION: CorruptDataError,
  INVALID_MODEL: ModelFileError,
  INVALID_IMAGE: ImageError,
  UNSUPPORTED_FORMAT: ImageError,
  IMAGE_TOO_LARGE: ImageError,
  INVALID_PDF: DocumentError,
  PDF_ENCRYPTED: DocumentError,
  PDF_TOO_MANY_PAGES: DocumentError,
  PDF_PAGE: DocumentError,
  PDF_UNAVAILABLE: DocumentError,
  REMOTE_UNAUTHORIZED: RemoteError,
  REMOTE_BAD_REQUEST: RemoteError,
  REMOTE_RATE_LIMITED: RemoteError,
  REMOTE_UNAVAILABLE: RemoteError,
  REMOTE_BAD_RESPONSE: RemoteError,
  REMOTE_UNREACHABLE: RemoteError,
  INVALID_VIDEO: VideoError,
  UNSUPPORTED_VIDEO: VideoError,
  EMPTY_VIDEO: VideoError,
  NO_VIDEO_DECODER: VideoError,
};

/** The typed error for a code (from the C++ core, or from the model's worker). */
export function makeError(code, message) {
  if (code === 'CLOSED') return new ClosedError(message);
  if (code === 'ABORTED') return new AbortError(message);
  if (code === 'MODEL_MISMATCH') return new ModelMismatchError(message);
  const Cls = byCode[code] ?? ClipfindError;
  return new Cls(code, message);
}

/** The WASM heap could not grow: the one error of a failed allocation. */
export function outOfMemory(what) {
  return new ClipfindError('OUT_OF_MEMORY', `${what}: out of WASM memory`);
}

/** Unwraps a value returned by the WASM bindings, throwing the typed error it may carry. */
export function check(result) {
  if (result !== null && typeof result === 'object' && result.__clipfindError === true) {
    throw makeError(result.code, result.message);
  }
  return result;
}
