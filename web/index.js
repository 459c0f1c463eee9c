// clipfind: on-device image and caption search with CLIP-family models.
export { FlatIndex } from './flat_index.js';
export { Tokenizer } from './tokenizer.js';
export { ImagePreprocessor, decodeImage, imageInfo } from './image.js';
export { Model } from './model.js';
export { Library, ModelMismatchError, DEFAULT_WEIGHTS, NEUTRAL_PROMPTS, DEFAULT_CUTOFF, NULL_TEXTS } from './library.js';
export { parseQuery, parseTerm } from './query.js';
export { ClipfindError, InvalidInputError, NotFoundError, CorruptDataError, ModelFileError, ImageError, ClosedError } from './errors.js';
export { loadWasm } from './wasm.js';

/** Version of the package (and of the WASM core built with it). */
export const version = '0.1.0';
