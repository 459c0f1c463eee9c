// PDF pages as items: a PDF of the built-in model's scenes, one per page, indexed through the API
// and the CLI; the damaged kinds a person's files hold (encrypted, truncated, a broken page, 5,000
// pages) as typed errors that name the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DocumentError, Library, Model } from 'clipfind';
import { drawScene, UNRELATED_CAPTIONS } from './helpers/held_out_scenes.mjs';
import { makePdf, scenePdf } from './helpers/pdf.mjs';

const cli = new URL('../../bin/clipfind.mjs', import.meta.url).pathname;

const { pdf, query } = scenePdf();

test('a PDF of scenes: one item per page with its text layer as caption; a text query finds page 2 first', { timeout: 30000 }, async () => {
  const model = await Model.load('builtin:tiny', { backend: 'wasm' });
  const lib = await Library.create(model);
  const progress = [];
  const summary = await lib.add([{ id: 'doc.pdf', pdf }], { onProgress: (p) => progress.push(p) });
  assert.deepEqual({ ...summary, failed: summary.failed.map((f) => f.id) }, { added: 4, updated: 0, skipped: 0, failed: [] });
  assert.deepEqual([...lib.items()].map((it) => it.id).sort(), [1, 2, 3, 4].map((n) => `doc.pdf#page=${n}`));
  const p1 = lib.get('doc.pdf#page=1');
  assert.equal(p1.kind, 'page');
  assert.equal(p1.page, 1);
  assert.equal(p1.pages, 4);
  assert.equal(p1.document, 'doc.pdf');
  assert.equal(p1.caption, UNRELATED_CAPTIONS[0]); // the invisible text layer, read back by pdf.js
  assert.equal(lib.get('doc.pdf#page=2').caption, null);
  // Rendered at 2 × the model's 224-pixel input: the 224-point square page is 448 pixels a side.
  assert.deepEqual([p1.width, p1.height], [448, 448]);
  assert.equal(progress.at(-1).done, 4);
  assert.equal(progress.at(-1).total, 4);

  const { results } = await lib.search(query);
  assert.equal(results[0].id, 'doc.pdf#page=2', `${query}: ${results.map((r) => `${r.id} ${r.score.toFixed(3)}`).join(', ')}`);
  assert.equal(results[0].meta.kind, 'page');

  // The same file again: nothing is rendered or embedded, every page is skipped.
  const again = await lib.add([{ id: 'doc.pdf', pdf }]);
  assert.deepEqual([again.added, again.updated, again.skipped], [0, 0, 4]);
  // A shorter version of the file: its pages past the new end go.
  const shorter = makePdf([{ png: drawScene(0, 1818, { maxObjects: 1 }).bytes }]);
  const third = await lib.add([{ id: 'doc.pdf', pdf: shorter }]);
  assert.equal(third.failed.length, 0);
  assert.deepEqual([...lib.items()].map((it) => it.id), ['doc.pdf#page=1']);
  lib.close();
  await model.close();
});

test('clipfind index on a folder with a PDF, then clipfind search --json: doc.pdf#page=2 first', { timeout: 30000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clipfind-pdf-'));
  mkdtempSync(path.join(dir, 'x')); // an empty folder beside it changes nothing
  writeFileSync(path.join(dir, 'doc.pdf'), pdf);
  const libFile = path.join(dir, 'lib.clipfind');
  const index = spawnSync('node', [cli, 'index', '--model', 'builtin:tiny', '--library', libFile, dir], { encoding: 'utf8' });
  assert.equal(index.status, 0, index.stderr);
  assert.deepEqual(JSON.parse(index.stdout), { added: 4, skipped: 0, failed: [] });
  const search = spawnSync('node', [cli, 'search', '--model', 'builtin:tiny', '--library', libFile, '--json', query], { encoding: 'utf8' });
  assert.equal(search.status, 0, search.stderr);
  const rows = JSON.parse(search.stdout);
  assert.equal(rows[0].id, 'doc.pdf#page=2');
  assert.equal(rows[0].kind, 'page');
  assert.equal(rows[0].page, 2);
});

test('encrypted, damaged and over-budget PDFs: typed errors naming the file; a bad page fails alone', { timeout: 30000 }, async () => {
  const model = await Model.load('builtin:tiny', { backend: 'wasm' });
  const lib = await Library.create(model);
  const scene = drawScene(3, 1818, { maxObjects: 1 }).bytes;
  const encrypted = makePdf([{ png: scene }], { encrypt: true });
  const truncated = pdf.slice(0, 300);
  // Page 3's object is not a page dictionary: pdf.js cannot get it; pages 1 and 2 are fine. (pdf.js
  // draws what it can of a page with a damaged content stream, so that is no failure; after a bad
  // page object, it refuses the pages past it too, hence the bad page last.)
  const badPage = makePdf([{ png: scene }, { png: scene, text: 'page two' }, { broken: true }]);
  const many = makePdf(Array.from({ length: 5000 }, () => ({ size: [100, 100], content: '' })));
  const progress = [];
  const summary = await lib.add([
    { id: 'locked.pdf', pdf: encrypted },
    { id: 'cut.pdf', pdf: truncated },
    { id: 'pages.pdf', pdf: badPage },
    { id: 'big.pdf', pdf: many },
  ], { pdf: { maxPages: 3 }, onProgress: (p) => progress.push(p) });
  const byId = Object.fromEntries(summary.failed.map((f) => [f.id, f.error]));
  assert.ok(byId['locked.pdf'] instanceof DocumentError);
  assert.equal(byId['locked.pdf'].code, 'PDF_ENCRYPTED');
  assert.match(byId['locked.pdf'].message, /^locked\.pdf: /);
  assert.equal(byId['cut.pdf'].code, 'INVALID_PDF');
  assert.match(byId['cut.pdf'].message, /^cut\.pdf: /);
  assert.equal(byId['big.pdf'].code, 'PDF_TOO_MANY_PAGES');
  assert.match(byId['big.pdf'].message, /^big\.pdf: 5000 pages, over the budget of 3/);
  // The budget's pages are in; the other pages of the broken file are too.
  for (const id of ['big.pdf#page=1', 'big.pdf#page=3', 'pages.pdf#page=1', 'pages.pdf#page=2']) assert.ok(lib.has(id), id);
  assert.ok(!lib.has('big.pdf#page=4'));
  const pageFailures = summary.failed.filter((f) => f.id.startsWith('pages.pdf'));
  assert.equal(pageFailures.length, 1);
  assert.equal(pageFailures[0].id, 'pages.pdf#page=3');
  assert.ok(pageFailures[0].error instanceof DocumentError);
  assert.equal(pageFailures[0].error.code, 'PDF_PAGE');
  assert.match(pageFailures[0].error.message, /^pages\.pdf: page 3/);
  // Progress counts pages: the 5,000-page file counts as its budget of 3.
  assert.equal(progress.at(-1).total, progress.at(-1).done);
  assert.equal(progress.at(-1).total, 1 + 1 + 3 + 3);
  await assert.rejects(lib.add([{ id: 'x.pdf', pdf }], { pdf: { maxPages: 0 } }), { code: 'INVALID_ARGUMENT' });
  lib.close();
  await model.close();
});
