// clipfind: on-device image and caption search with CLIP-family models. The public surface; what
// tests and benchmarks reach behind it is in internal.js ('clipfind/internal').
import pkg from '../package.json' with { type: 'json' };

export { Model } from './model.js';
export { Library, DEFAULT_WEIGHTS, NEUTRAL_PROMPTS, DEFAULT_CUTOFF, NULL_TEXTS } from './library.js';
export { FlatIndex } from './flat_index.js';
export { MultiVectorIndex } from './multi_vector_index.js';
export { Tokenizer } from './tokenizer.js';
export { ImagePreprocessor, decodeImage, imageInfo } from './image.js';
export { parseQuery, parseTerm } from './query.js';
export {
  ClipfindError, InvalidInputError, NotFoundError, CorruptDataError, ModelFileError, ImageError, DocumentError, RemoteError, ClosedError,
  AbortError, ModelMismatchError, VideoError,
} from './errors.js';

/** Version of the package (and of the WASM core built with it): package.json's. */
export const version = pkg.version;
