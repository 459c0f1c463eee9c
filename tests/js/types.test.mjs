// The published TypeScript types (web/index.d.ts) against tests/types/usage.ts, with tsc --strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

test('index.d.ts types the documented usage and rejects misuse (tsc --strict)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const usage = new URL('../types/usage.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', '--skipLibCheck', 'false', usage], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
