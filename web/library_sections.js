// The extra sections of a library file: indexes a library keeps beside its image and caption indexes
// (an audio index, a multi-vector index of document pages). Each kind registers how its saved bytes
// load, so library.js and library_file.js stay unaware of what the kinds are.
import { CorruptDataError } from './errors.js';

const loaders = new Map();

/** load(size, pieces) → a section object with toBytes(), close() and memoryBytes, as FlatIndex has. */
export function registerSection(name, load) {
  loaders.set(name, load);
}

/** Loads the saved bytes of section `name`; a name this build does not know means a newer file. */
export function loadSection(name, size, pieces) {
  const load = loaders.get(name);
  if (!load) throw new CorruptDataError('UNSUPPORTED_VERSION', `library file: section '${name}' needs a newer clipfind`);
  return load(size, pieces);
}
