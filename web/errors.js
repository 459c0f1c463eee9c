// Typed errors of the public API. Every error thrown by clipfind is a ClipfindError with a stable
// `code`; subclasses group codes by what the caller can do about them.

export class ClipfindError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'ClipfindError';
    this.code = code;
  }
}

/** The caller passed something malformed: wrong length, NaN, duplicate id, bad option. */
export class InvalidInputError extends ClipfindError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'InvalidInputError';
  }
}

/** An id or file that does not exist. */
export class NotFoundError extends ClipfindError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'NotFoundError';
  }
}

/** Serialized data (index, library, model file) failed validation. */
export class CorruptDataError extends ClipfindError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'CorruptDataError';
  }
}

/** A model, tokenizer or config file is malformed or uses something unsupported. */
export class ModelFileError extends ClipfindError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'ModelFileError';
  }
}

/** An image could not be decoded: corrupt, unsupported format, or over the pixel limit. */
export class ImageError extends ClipfindError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'ImageError';
  }
}

/** The object was used after close(). */
export class ClosedError extends ClipfindError {
  constructor(message) {
    super('CLOSED', message);
    this.name = 'ClosedError';
  }
}

const byCode = {
  INVALID_ARGUMENT: InvalidInputError,
  DIMENSION_MISMATCH: InvalidInputError,
  INVALID_VALUE: InvalidInputError,
  DUPLICATE_ID: InvalidInputError,
  NOT_FOUND: NotFoundError,
  CORRUPT_DATA: CorruptDataError,
  INVALID_MODEL: ModelFileError,
  INVALID_IMAGE: ImageError,
  UNSUPPORTED_FORMAT: ImageError,
  IMAGE_TOO_LARGE: ImageError,
  UNSUPPORTED_VERSION: CorruptDataError,
};

export function makeError(code, message) {
  if (code === 'CLOSED') return new ClosedError(message);
  const Cls = byCode[code] ?? ClipfindError;
  return new Cls(code, message);
}

/** Unwraps a value returned by the WASM bindings, throwing the typed error it may carry. */
export function check(result) {
  if (result !== null && typeof result === 'object' && result.__clipfindError === true) {
    throw makeError(result.code, result.message);
  }
  return result;
}
