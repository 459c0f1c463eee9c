// CRC-32 (IEEE) of library files: the C++ core's (src/common/crc32.hpp), the same the index format
// uses, fed through the heap a piece at a time.
import { forEachHeapPiece, loadedWasm } from './wasm.js';

/**
 * CRC-32 of `bytes` (a Uint8Array), continuing from `previous` (the CRC of what came before) for data
 * read in pieces. The WASM core must be loaded (any index or library exists, or loadWasm was awaited).
 */
export function crc32(bytes, previous = 0) {
  const M = loadedWasm();
  let crc = previous;
  forEachHeapPiece(M, bytes, 'checksum', (ptr, length) => { crc = M.crc32Update(crc, ptr, length); });
  return crc >>> 0;
}
