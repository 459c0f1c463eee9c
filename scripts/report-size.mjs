// Prints the raw and gzipped size of the built WASM artifacts (called by the CMake build).
import fs from 'node:fs';
import zlib from 'node:zlib';
for (const file of process.argv.slice(2)) {
  const raw = fs.readFileSync(file);
  const gz = zlib.gzipSync(raw, { level: 9 });
  console.log(`clipfind: ${file.split('/').pop()} ${(raw.length / 1024).toFixed(1)} KiB, gzipped ${(gz.length / 1024).toFixed(1)} KiB`);
}
