// The demo's offline shell (web/demo/sw.js SHELL) lists every module the page can load from web/: a
// module left out works online and breaks the first offline visit (the e2e tests reload offline, but
// only along the paths they drive). Node-only modules and the large decoders are the exceptions (the
// decoders, like ORT's and web/vendor's, are cached when first fetched, not by every install).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const web = new URL('../../web/', import.meta.url).pathname;
const NOT_IN_SHELL = new Set([
  'video_node.js', // video.js imports it only under Node
  'dav1d.mjs', // the AV1 decoder (0.6 MB with its wasm), fetched on the first AVIF
]);

// Relative specifiers of static imports/exports and of literal dynamic import()s.
function imports(file) {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const m of code.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g)) found.add(m[1]);
  for (const m of code.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) found.add(m[1]);
  return [...found].map((s) => path.resolve(path.dirname(file), s));
}

test('the service worker caches every module the demo, its worker and preprocessing workers can load', () => {
  const sw = readFileSync(`${web}demo/sw.js`, 'utf8');
  const shell = new Set([...sw.slice(sw.indexOf('const SHELL'), sw.indexOf('];', sw.indexOf('const SHELL'))).matchAll(/'([^']+)'/g)]
    .map((m) => path.resolve(`${web}demo`, m[1])));
  const seen = new Set();
  const queue = ['demo/demo.js', 'worker.js', 'preprocess_worker.js'].map((f) => `${web}${f}`);
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.js') && !file.includes('/vendor/') && !file.includes('/wasm/')) queue.push(...imports(file));
  }
  const missing = [...seen].filter((f) => !shell.has(f) && !NOT_IN_SHELL.has(path.basename(f))).map((f) => path.relative(web, f));
  assert.ok(seen.size > 40, `walked ${seen.size} modules`);
  assert.deepEqual(missing, []);
});
