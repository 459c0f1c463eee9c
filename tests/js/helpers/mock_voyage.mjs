// A stand-in for Voyage's POST /v1/multimodalembeddings on 127.0.0.1 (its own port), written from the
// API reference, independent of clipfind's client: it checks every request against the documented
// shape and limits (recording each violation and answering 400, as the API does), can be told to
// fail the next requests (429 with Retry-After, 5xx, 401 echoing the key), and answers with
// embeddings of a toy model so a library over it finds things: a text is the sum of its words' fixed
// random vectors; an image is the vector of the word naming its mean colour.
import http from 'node:http';
import { loadImage } from '@napi-rs/canvas';
import { rng } from './vectors.mjs';

const DIM = 1024;
const COLORS = { red: [220, 30, 30], green: [30, 170, 50], blue: [30, 60, 220], yellow: [240, 210, 20], white: [245, 245, 245], black: [15, 15, 15] };
const TOP_KEYS = new Set(['inputs', 'model', 'input_type', 'truncation', 'output_encoding']);
const DATA_URL = /^data:image\/(png|jpeg|webp|gif);base64,([A-Za-z0-9+/]+={0,2})$/;

function wordVector(word) {
  let seed = 0;
  for (const ch of word) seed = (seed * 31 + ch.codePointAt(0)) >>> 0;
  const r = rng(seed + 1);
  return Float64Array.from({ length: DIM }, () => r() - 0.5);
}

function textVector(text) {
  const v = new Float64Array(DIM);
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? ['empty']) {
    const u = wordVector(w);
    for (let i = 0; i < DIM; i++) v[i] += u[i];
  }
  return v;
}

// Width, height of PNG or JPEG bytes from their headers (the mock's own reader).
function dims(b, type) {
  if (type === 'png') return [b.readUInt32BE(16), b.readUInt32BE(20)];
  if (type === 'jpeg') {
    for (let i = 2; i + 9 < b.length;) {
      const m = b[i + 1];
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
      i += 2 + b.readUInt16BE(i + 2);
    }
  }
  return null;
}

async function imageVector(bytes, pixels) {
  // Large images (the limit tests) are not decoded: their vector is a fixed one.
  if (pixels > 4_000_000) return wordVector('large');
  const img = await loadImage(bytes);
  const { createCanvas } = await import('@napi-rs/canvas');
  const c = createCanvas(16, 16);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0, 16, 16);
  const d = ctx.getImageData(0, 0, 16, 16).data;
  const mean = [0, 1, 2].map((k) => { let s = 0; for (let i = 0; i < 256; i++) s += d[i * 4 + k]; return s / 256; });
  let best = 'red', dist = Infinity;
  for (const [name, rgb] of Object.entries(COLORS)) {
    const e = rgb.reduce((s, v, k) => s + (v - mean[k]) ** 2, 0);
    if (e < dist) { dist = e; best = name; }
  }
  return textVector(`${best} picture`);
}

/**
 * Starts the mock: { url, key, requests, violations, stats: { unauthorized }, failNext(list), close() }. `requests` records
 * { at, inputType, inputs: [{ text } | { type, width, height, bytes }], tokens }.
 */
export async function startMockVoyage({ key = 'pa-test-0123456789abcdef' } = {}) {
  const requests = [];
  const violations = [];
  const script = [];
  const stats = { unauthorized: 0 };
  // Browsers (the demo test) ask first: the mock answers CORS preflights and allows any origin.
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After' };
  const server = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'authorization, content-type', 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...cors, ...headers });
        res.end(JSON.stringify(body));
      };
      const bad = (why) => {
        violations.push(why);
        send(400, { detail: why });
      };
      const auth = req.headers.authorization;
      const scripted = script.shift();
      if (scripted?.status === 401 || auth !== `Bearer ${key}`) {
        // The real API's detail does not echo keys; this one does, to prove the client scrubs it.
        stats.unauthorized++;
        return send(401, { detail: `Provided API key is invalid: ${String(auth).replace(/^Bearer /, '')}` });
      }
      if (req.method !== 'POST' || req.url !== '/v1/multimodalembeddings') return bad(`${req.method} ${req.url}: only POST /v1/multimodalembeddings`);
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return bad('Content-Type must be application/json');
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return bad('body is not JSON');
      }
      for (const k of Object.keys(body)) if (!TOP_KEYS.has(k)) return bad(`unknown field ${k}`);
      if (body.model !== 'voyage-multimodal-3') return bad(`model: ${body.model}`);
      if (!(body.input_type == null || body.input_type === 'query' || body.input_type === 'document')) return bad(`input_type: ${body.input_type}`);
      if (body.truncation !== undefined && typeof body.truncation !== 'boolean') return bad('truncation must be a boolean');
      if (body.output_encoding != null && body.output_encoding !== 'base64') return bad('output_encoding');
      if (!Array.isArray(body.inputs) || body.inputs.length < 1) return bad('inputs must be a non-empty list');
      if (body.inputs.length > 1000) return bad(`inputs: ${body.inputs.length} > 1000`);
      const record = { at: Date.now(), inputType: body.input_type, inputs: [], tokens: 0 };
      const vectors = [];
      for (const input of body.inputs) {
        if (input === null || typeof input !== 'object' || Object.keys(input).join() !== 'content' || !Array.isArray(input.content) || !input.content.length) return bad('each input is { content: [...] }');
        const v = new Float64Array(DIM);
        let tokens = 0;
        for (const part of input.content) {
          if (part?.type === 'text' && Object.keys(part).length === 2 && typeof part.text === 'string') {
            // A lower bound of Voyage's count (a token is at most ~4 characters of English).
            tokens += Math.ceil(part.text.length / 4);
            record.inputs.push({ text: part.text });
            const u = textVector(part.text);
            for (let i = 0; i < DIM; i++) v[i] += u[i];
          } else if (part?.type === 'image_base64' && Object.keys(part).length === 2 && typeof part.image_base64 === 'string') {
            const m = DATA_URL.exec(part.image_base64);
            if (!m) return bad('image_base64 must be a data URL of image/png, jpeg, webp or gif');
            const bytes = Buffer.from(m[2], 'base64');
            if (bytes.length > 20 * 1024 * 1024) return bad(`image of ${bytes.length} bytes > 20 MB`);
            const wh = dims(bytes, m[1]);
            if (!wh) return bad(`image/${m[1]}: header unreadable`);
            const pixels = wh[0] * wh[1];
            if (pixels > 16_000_000) return bad(`image of ${pixels} pixels > 16 million`);
            tokens += Math.ceil(pixels / 560);
            record.inputs.push({ type: m[1], width: wh[0], height: wh[1], bytes: bytes.length });
            const u = await imageVector(bytes, pixels).catch(() => null);
            if (!u) return bad(`image/${m[1]}: not decodable`);
            for (let i = 0; i < DIM; i++) v[i] += u[i];
          } else {
            return bad(`content part of type ${part?.type} with fields ${Object.keys(part ?? {})}`);
          }
        }
        if (tokens > 32000) return bad(`an input of ${tokens} tokens > 32,000`);
        record.tokens += tokens;
        vectors.push(v);
      }
      if (record.tokens > 320000) return bad(`${record.tokens} tokens in one request > 320,000`);
      requests.push(record);
      if (scripted) return send(scripted.status, { detail: scripted.detail ?? 'scripted failure' }, scripted.retryAfter !== undefined ? { 'Retry-After': String(scripted.retryAfter) } : {});
      send(200, {
        object: 'list',
        data: vectors.map((v, index) => ({ object: 'embedding', embedding: Array.from(v), index })),
        model: body.model,
        usage: { text_tokens: 0, image_pixels: 0, total_tokens: record.tokens },
      });
    });
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    key,
    requests,
    violations,
    stats,
    /** The next requests answer these: [{ status, retryAfter?, detail? }] (after validation, except 401). */
    failNext(list) { script.push(...list); },
    close: () => new Promise((res) => { server.close(res); server.closeAllConnections(); }),
  };
}
