// The package as people install it. First what `npm pack` ships (everything users run, nothing else,
// within the size budget README states); then a consumer project in an empty temporary folder that
// installs the tarball and uses it four ways: the Node API, the CLI through npx, a Vite app built with
// no configuration and driven in Chromium from a plain static server, and TypeScript type checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserSkipReason, chromiumPath } from './helpers/browser.mjs';
import { drawShapes } from './helpers/shapes.mjs';
import { serveStatic } from './helpers/static_server.mjs';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const MB = 1024 * 1024;
// The budget README states ("Install"): the built-in image model (7.4 MB of ONNX) is most of it.
const BUDGET = { packed: 11 * MB, unpacked: 14 * MB };

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
function packList() {
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  return info;
}

test('npm pack ships what users run, nothing else, within the size budget', () => {
  const info = packList();
  const files = new Set(info.files.map((f) => f.path));
  const required = [
    'package.json', 'README.md', 'LICENSE', 'web/index.d.ts', 'web/wasm/clipfind.mjs', 'web/wasm/clipfind.wasm', 'web/wasm/dav1d.mjs', 'web/wasm/dav1d.wasm', 'models/catalog.json',
    ...git('ls-files', 'bin', 'web/demo', 'models/tiny').filter((f) => !f.endsWith('.gitignore')),
    ...git('ls-files', 'web/*.js').filter((f) => !f.includes('/', 4)),
  ];
  const missing = required.filter((f) => !files.has(f));
  assert.deepEqual(missing, [], 'files users need are missing from the tarball');
  const forbidden = [...files].filter((f) => /^(tests|scripts|build|node_modules|\.ci|web\/examples|web\/vendor)\//.test(f)
    && f !== 'web/vendor/mediabunny.min.mjs' // the video demuxer ships (a dev dependency, see package.json files)
    || /\.(py|cpp|hpp|npz)$/.test(f) || /(^|\/)(train|fixtures|bench|fuzz)(\/|$)/.test(f) || f.startsWith('models/test'));
  assert.deepEqual(forbidden, [], 'test, training or build files are in the tarball');
  // Every module the shipped code imports, and every file it locates with new URL(..., import.meta.url), ships too.
  const unresolved = [];
  for (const f of files) {
    if (!/\.m?js$/.test(f)) continue;
    const text = readFileSync(path.join(root, f), 'utf8');
    const refs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g), ...text.matchAll(/new URL\('(\.{1,2}\/[^'$]+)', import\.meta\.url\)/g)].map((m) => m[1]);
    for (const r of refs) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), r)).replace(/\/$/, '');
      if (!files.has(target) && ![...files].some((x) => x.startsWith(`${target}/`))) unresolved.push(`${f} -> ${r}`);
    }
  }
  assert.deepEqual(unresolved.filter((u) => !u.includes('vendor/ort') && !u.includes('onnxruntime-web/dist')), [], 'shipped code refers to files that do not ship');
  console.log(`# tarball: ${info.files.length} files, ${(info.size / MB).toFixed(2)} MB packed (budget ${BUDGET.packed / MB}), ${(info.unpackedSize / MB).toFixed(2)} MB unpacked (budget ${BUDGET.unpacked / MB})`);
  assert.ok(info.size <= BUDGET.packed, `packed ${info.size} > ${BUDGET.packed}`);
  assert.ok(info.unpackedSize <= BUDGET.unpacked, `unpacked ${info.unpackedSize} > ${BUDGET.unpacked}`);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.match(readme, new RegExp(`budget ${BUDGET.packed / MB} MB packed, ${BUDGET.unpacked / MB} MB unpacked`), 'README states the budget');
});

// The consumer project: an empty folder, the tarball, and the versions of vite and typescript this
// repository pins (installed from npm's cache when it has them).
let app;
let shapes;
before(() => {
  app = mkdtempSync(path.join(os.tmpdir(), 'clipfind-consumer-'));
  execFileSync('npm', ['pack', '--pack-destination', app, '--ignore-scripts'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(app, `clipfind-${pkg.version}.tgz`);
  const project = path.join(app, 'project');
  cpSync(path.join(root, 'tests/consumer'), project, { recursive: true });
  // The web app is README's example itself (web/examples/vite): its code, without its package.json.
  for (const f of ['index.html', 'main.js']) cpSync(path.join(root, 'web/examples/vite', f), path.join(project, f));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball,
    `vite@${pkg.devDependencies.vite}`, `typescript@${pkg.devDependencies.typescript}`], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300000 });
  shapes = path.join(project, 'shapes');
  mkdirSync(shapes);
  drawShapes(shapes);
  app = project;
}, { timeout: 300000 });
after(() => { if (app) rmSync(path.dirname(app), { recursive: true, force: true }); });

const QUERIES = { 'red circle': 'red-circle.png', 'blue square': 'blue-square.png', 'green triangle': 'green-triangle.png' };

test('installed package, Node API: the built-in model indexes the sample gallery and finds the right shape', { timeout: 180000 }, () => {
  const out = JSON.parse(execFileSync('node', ['node_check.mjs', shapes, ...Object.keys(QUERIES)], { cwd: app, encoding: 'utf8' }));
  assert.equal(out.info.family, 'clip');
  assert.equal(out.gallery.files, 200);
  assert.deepEqual([out.gallery.added, out.gallery.failed, out.shapes, out.size], [200, 0, 6, 206]);
  for (const [q, file] of Object.entries(QUERIES)) assert.equal(out.top[q], `shapes/${file}`, q);
});

test('installed package, CLI through npx: help, index, search as a table and JSON, typed errors', { timeout: 180000 }, () => {
  const npx = (...args) => spawnSync('npx', ['--no', '--', 'clipfind', ...args], { cwd: app, encoding: 'utf8' });
  const help = npx('--help');
  assert.equal(help.status, 0, help.stderr);
  for (const cmd of ['tokenize', 'preprocess', 'embed', 'index', 'search', 'remove', 'tag', 'dupes']) assert.match(help.stdout, new RegExp(`^  ${cmd} `, 'm'));
  // Each command's own help is cli.test.mjs's; one here shows the installed bin reaches it.
  const own = npx('search', '--help');
  assert.equal(own.status, 0, `search --help: ${own.stderr}`);
  assert.match(own.stdout, /^Usage: clipfind search /m);
  assert.match(own.stdout, /-h, --help/);
  const model = 'node_modules/clipfind/models/tiny';
  const index = npx('index', '--model', model, '--library', 'photos.clipfind', 'shapes');
  assert.equal(index.status, 0, index.stderr);
  assert.deepEqual(JSON.parse(index.stdout), { added: 6, skipped: 0, failed: [] });
  const table = npx('search', '--library', 'photos.clipfind', '--model', 'builtin:tiny', '-k', '3', 'red circle');
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /^#\s+score\s+image\s+caption\s+match\s+id$/);
  assert.match(lines[1], /^1\s+\d\.\d{3}\s.*\sred-circle\.png$/);
  assert.equal(lines.length, 5, table.stdout);
  const json = npx('search', '--library', 'photos.clipfind', '--model', model, '--json', '-k', '2', '--', 'blue square', '-red');
  assert.equal(json.status, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.equal(rows[0].id, 'blue-square.png');
  assert.deepEqual(Object.keys(rows[0]).sort(), ['captionScore', 'id', 'imageScore', 'kind', 'relevant', 'score']);
  // A term that starts with '-' before '--' is a usage error that says where it goes.
  const dash = npx('search', '--library', 'photos.clipfind', '--model', model, '-red');
  assert.equal(dash.status, 2);
  assert.match(dash.stderr, /after '--'/);
  // Bad input through the installed CLI: a missing model folder, a damaged library (left as it was).
  const noModel = npx('search', '--library', 'photos.clipfind', '--model', 'no/such/model', 'x');
  assert.equal(noModel.status, 1);
  assert.match(noModel.stderr, /NOT_FOUND: .*no\/such\/model.*config\.json/);
  const bytes = readFileSync(path.join(app, 'photos.clipfind'));
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(path.join(app, 'damaged.clipfind'), bytes);
  const damaged = npx('index', '--model', model, '--library', 'damaged.clipfind', 'shapes');
  assert.equal(damaged.status, 1);
  assert.match(damaged.stderr, /CORRUPT_DATA: .*damaged\.clipfind: library file/);
  assert.deepEqual(readFileSync(path.join(app, 'damaged.clipfind')), bytes, 'a damaged library is never overwritten');
});

test('installed package, TypeScript: the types check under moduleResolution bundler and node16', { timeout: 120000 }, async () => {
  // The check is real: a wrong type is reported.
  writeFileSync(path.join(app, 'wrong.ts'), "import { Library } from 'clipfind';\nconst n: number = Library;\n");
  writeFileSync(path.join(app, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.bundler.json', files: ['wrong.ts'] }));
  // The three compilations are independent: run at once (tsc is single-threaded).
  const tsc = (config) => new Promise((resolve) => execFile('npx', ['--no', '--', 'tsc', '-p', config], { cwd: app, encoding: 'utf8' },
    (err, stdout, stderr) => resolve({ status: err ? err.code ?? 1 : 0, out: stdout + stderr })));
  const [bundler, node16, wrong] = await Promise.all(['tsconfig.bundler.json', 'tsconfig.node16.json', 'tsconfig.wrong.json'].map(tsc));
  assert.equal(bundler.status, 0, `bundler: ${bundler.out}`);
  assert.equal(node16.status, 0, `node16: ${node16.out}`);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.out, /wrong\.ts.*TS2322/);
});

const skipBrowser = browserSkipReason();
test('installed package, Vite app: vite build with no configuration, served statically (no COOP/COEP), searches in Chromium', { skip: skipBrowser, timeout: 300000 }, async () => {
  const build = spawnSync('npx', ['--no', '--', 'vite', 'build'], { cwd: app, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  assert.ok(!existsSync(path.join(app, 'vite.config.js')) && !existsSync(path.join(app, 'vite.config.ts')), 'no configuration');
  const assets = readdirSync(path.join(app, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm') && f.startsWith('clipfind')), assets.join(' '));
  const server = await serveStatic(path.join(app, 'dist'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.origin);
    await page.getByText(/^Ready/).waitFor({ timeout: 120000 });
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false, 'a plain static host');
    await page.getByLabel('Photos').setInputFiles(readdirSync(shapes).map((f) => path.join(shapes, f)));
    await page.getByText('Added 6 photos, 0 failed').waitFor({ timeout: 120000 });
    for (const [q, file] of Object.entries(QUERIES)) {
      await page.getByLabel('Search').fill(q);
      await page.waitForFunction((want) => document.querySelector('#results li')?.textContent === want, file, { timeout: 30000 });
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
