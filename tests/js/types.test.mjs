// The published TypeScript types (web/index.d.ts) against the usage files of tests/types, with tsc --strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const file = (name) => new URL(`../types/${name}`, import.meta.url).pathname;
// --types node: only the @types a user of clipfind gets (a dev tool's @types in this checkout, such as
// mediabunny's @types/dom-webcodecs, clash with TypeScript's own lib dom).
const strict = ['--types', 'node', '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'false'];
const compile = (...args) => spawnSync(process.execPath, [tsc, ...strict, ...args], { encoding: 'utf8' });

test('index.d.ts types the documented usage and rejects misuse (tsc --strict)', () => {
  const r = compile('--lib', 'es2022,dom', file('usage.ts'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("Model.load's result goes everywhere a model is taken, in a page (lib dom) and in Node (no DOM)", () => {
  for (const where of ['page', 'node']) {
    const r = spawnSync(process.execPath, [tsc, '-p', file(`tsconfig.${where}.json`)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${where}: ${r.stdout}${r.stderr}`);
  }
});
