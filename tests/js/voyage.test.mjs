// Voyage multimodal-3 through the public API against a mock of its REST API (another port) that
// checks every request against the documented shape and limits: batching, image downscaling,
// query/document input types (the library's captions vs. its queries and relevance prompts),
// retries honouring Retry-After, typed errors, and the API key in no error or log line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { deflateSync, crc32 } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import { Library, Model, NEUTRAL_PROMPTS, NULL_TEXTS, RemoteError } from 'clipfind';
import { startMockVoyage } from './helpers/mock_voyage.mjs';

let mock;
const logged = [];
const originals = {};
before(async () => {
  mock = await startMockVoyage();
  // Everything clipfind prints while these tests run, to look for the key in it.
  for (const m of ['log', 'info', 'warn', 'error', 'debug']) {
    originals[m] = console[m];
    console[m] = (...args) => { logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ')); originals[m](...args); };
  }
});
after(async () => {
  Object.assign(console, originals);
  await mock.close();
  assert.deepEqual(mock.violations, [], 'every request the mock saw had the documented shape');
  assert.ok(!logged.some((l) => l.includes(mock.key)), 'the key is in no log line');
});

const load = (options = {}) => Model.load({ provider: 'voyage', model: 'voyage-multimodal-3', apiKey: mock.key, baseUrl: mock.url, ...options });

function solidPng(width, height, rgb) {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  ctx.fillStyle = `rgb(${rgb.join(',')})`;
  ctx.fillRect(0, 0, width, height);
  return new Uint8Array(c.toBuffer('image/png'));
}

// A 24-bit BMP (a format Voyage does not take: it must arrive as a JPEG).
function bmp(width, height, [r, g, b]) {
  const row = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) buf.set([b, g, r], 54 + y * row + x * 3);
  return new Uint8Array(buf);
}

// A large 1-bit palette PNG of one colour: 12 MP in a few kB (the token-budget test).
function palettePng(width, height, rgb) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; ihdr[9] = 3;
  const raw = Buffer.alloc((Math.ceil(width / 8) + 1) * height);
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('PLTE', Buffer.from(rgb)), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

test('load sends nothing; a library over Voyage: items as documents, captions as documents, queries and relevance prompts as queries', { timeout: 30000 }, async () => {
  const before = mock.requests.length;
  const model = await load();
  assert.equal(mock.requests.length, before, 'Model.load made no request');
  assert.equal(model.info.dim, 1024);
  assert.equal(model.info.backend, 'remote');
  assert.deepEqual(model.info.remote, { provider: 'voyage', origin: mock.url });
  const lib = await Library.create(model);
  assert.equal(mock.requests.length, before, 'Library.create made no request');
  const red = solidPng(64, 48, [220, 30, 30]);
  const summary = await lib.add([
    { id: 'red.png', image: red },
    { id: 'blue.bmp', image: bmp(20, 10, [30, 60, 220]) },
    { id: 'green.png', image: solidPng(5000, 4000, [30, 170, 50]) }, // 20 MP: over the 16 MP limit
    { id: 'note.png', image: solidPng(32, 32, [245, 245, 245]), caption: 'shopping list: yellow bananas' },
  ]);
  assert.deepEqual(summary.failed, []);
  assert.equal(summary.added, 4);
  const sent = mock.requests.slice(before);
  const images = sent.flatMap((r) => r.inputs.filter((i) => i.type).map((i) => ({ ...i, inputType: r.inputType })));
  assert.equal(images.length, 4);
  assert.ok(images.every((i) => i.inputType === 'document'));
  assert.ok(images.some((i) => i.type === 'png' && i.width === 64 && i.height === 48), 'an accepted PNG within the limits goes as it is');
  assert.ok(images.some((i) => i.type === 'jpeg' && i.width === 20 && i.height === 10), 'a BMP goes as a JPEG');
  const big = images.find((i) => i.width > 1000);
  assert.equal(big.type, 'jpeg');
  assert.ok(big.width * big.height <= 16_000_000 && big.width * big.height > 15_000_000, `${big.width}×${big.height}`);
  assert.ok(Math.abs(big.width / big.height - 5000 / 4000) < 0.01);
  const texts = (type) => sent.filter((r) => r.inputType === type).flatMap((r) => r.inputs.filter((i) => i.text !== undefined).map((i) => i.text));
  assert.deepEqual(texts('document'), ['shopping list: yellow bananas']);
  assert.deepEqual(texts('query'), [...NEUTRAL_PROMPTS]);

  const q0 = mock.requests.length;
  const { results } = await lib.search('red');
  assert.equal(results[0].id, 'red.png');
  const queryTexts = mock.requests.slice(q0).filter((r) => r.inputType === 'query').flatMap((r) => r.inputs.map((i) => i.text));
  assert.ok(queryTexts.includes('red'));
  assert.ok(NULL_TEXTS.every((t) => queryTexts.includes(t)), 'the relevance rule\'s null texts are embedded as queries');
  assert.ok(mock.requests.slice(q0).every((r) => r.inputType === 'query'));
  const byCaption = await lib.search('bananas');
  assert.equal(byCaption.results[0].id, 'note.png');
  lib.close();
  await model.close();
});

test('batches stay within the documented limits: 1,000 inputs, 320,000 tokens; batchSize lowers the first', { timeout: 30000 }, async () => {
  const model = await load();
  let n0 = mock.requests.length;
  const texts = Array.from({ length: 1001 }, (_, i) => `text ${i}`);
  const v = await model.embedTexts(texts);
  assert.equal(v.length, 1001 * 1024);
  assert.deepEqual(mock.requests.slice(n0).map((r) => r.inputs.length), [1000, 1]);
  // 16 images of 12 MP: 21,429 tokens each, 342,857 together: two requests.
  n0 = mock.requests.length;
  const colors = [[220, 30, 30], [30, 60, 220]];
  const big = Array.from({ length: 16 }, (_, i) => palettePng(4000, 3000, colors[i % 2]));
  const w = await model.embedImages(big);
  assert.equal(w.length, 16 * 1024);
  const reqs = mock.requests.slice(n0);
  assert.equal(reqs.length, 2);
  assert.ok(reqs.every((r) => r.tokens <= 320_000), reqs.map((r) => r.tokens).join());
  assert.equal(reqs.reduce((s, r) => s + r.inputs.length, 0), 16);
  // Rows are in input order: the same image, the same vector.
  const row = (i) => w.subarray(i * 1024, (i + 1) * 1024);
  assert.deepEqual(row(0), row(14));
  await model.close();

  const small = await load({ batchSize: 2 });
  n0 = mock.requests.length;
  await small.embedTexts(['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(mock.requests.slice(n0).map((r) => r.inputs.length), [2, 2, 1]);
  await small.close();
});

test('429 and 5xx are retried, waiting as Retry-After says; what still fails is a typed error', { timeout: 30000 }, async () => {
  const model = await load({ maxRetries: 2 });
  let n0 = mock.requests.length;
  mock.failNext([{ status: 429, retryAfter: 1 }, { status: 503, retryAfter: 0 }]);
  const v = await model.embedTexts(['retry me']);
  assert.equal(v.length, 1024);
  const tries = mock.requests.slice(n0);
  assert.equal(tries.length, 3);
  assert.ok(tries[1].at - tries[0].at >= 950, `waited ${tries[1].at - tries[0].at} ms after Retry-After: 1`);

  n0 = mock.requests.length;
  mock.failNext([{ status: 500, retryAfter: 0 }, { status: 502, retryAfter: 0 }, { status: 500, retryAfter: 0 }]);
  await assert.rejects(model.embedTexts(['fails']), (err) => err instanceof RemoteError && err.code === 'REMOTE_UNAVAILABLE' && /HTTP 500 after 3 attempts/.test(err.message));
  assert.equal(mock.requests.length - n0, 3);

  mock.failNext([{ status: 400, detail: 'inputs: bad' }]);
  await assert.rejects(model.embedTexts(['bad']), (err) => err instanceof RemoteError && err.code === 'REMOTE_BAD_REQUEST' && /inputs: bad/.test(err.message));
  await model.close();
});

test('a wrong key is REMOTE_UNAUTHORIZED, not retried; no key in the error, its stack, JSON, or the model', { timeout: 30000 }, async () => {
  const wrongKey = 'pa-WRONG-key-that-must-not-leak-42';
  const model = await Model.load({ provider: 'voyage', apiKey: wrongKey, baseUrl: mock.url });
  const n0 = mock.requests.length;
  const u0 = mock.stats.unauthorized;
  let error;
  await model.embedTexts(['x']).catch((e) => { error = e; });
  assert.ok(error instanceof RemoteError);
  assert.equal(error.code, 'REMOTE_UNAUTHORIZED');
  assert.equal(mock.stats.unauthorized - u0, 1, 'a 401 is not retried');
  assert.equal(mock.requests.length, n0);
  for (const text of [error.message, error.stack, String(error), JSON.stringify(error), inspect(error), inspect(model, { showHidden: true, depth: 5 }), JSON.stringify(model.info)]) {
    assert.ok(!text.includes(wrongKey), text);
  }
  assert.match(error.message, /\[API key\]/); // the mock echoed it; the client scrubbed it
  // The right key, scripted 401: the same.
  const good = await load();
  mock.failNext([{ status: 401 }]);
  await assert.rejects(good.embedTexts(['x']), (err) => err.code === 'REMOTE_UNAUTHORIZED' && !err.message.includes(mock.key));
  await good.close();
  await assert.rejects(Model.load({ provider: 'voyage', apiKey: '' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(Model.load({ provider: 'other', apiKey: 'k' }), { code: 'INVALID_ARGUMENT' });
});
