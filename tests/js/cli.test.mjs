import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url)));

test('clipfind --version prints the package version', () => {
  assert.equal(execFileSync('node', [cli, '--version'], { encoding: 'utf8' }), `${pkg.version}\n`);
});

test('clipfind --help lists the commands', () => {
  const out = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
  assert.match(out, /Usage: clipfind <command>/);
});

test('unknown commands exit 2 with a message', () => {
  const r = spawnSync('node', [cli, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('the JS version matches package.json', async () => {
  const { version } = await import('clipfind');
  assert.equal(version, pkg.version);
});
