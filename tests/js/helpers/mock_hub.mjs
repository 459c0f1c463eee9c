// A stand-in for the Hugging Face hub on two more local origins. The "hub" answers
// <owner>/<repo>/resolve/main/<file> like huggingface.co: small files directly, .onnx files with a
// 302 to a second "CDN" origin (as the hub redirects LFS files to cdn-lfs*.hf.co / cas-bridge.xethub.hf.co).
// Both send the hub's CORS header and Content-Length; the CDN sends bodies in slices so download
// progress is observable, and can break a download off half-way (connection dropped) on request.
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{repos: Record<string, {dir: string, omit?: RegExp[]}>, sliceBytes?: number, sliceMs?: number}} options
 *   repos: '<owner>/<repo>' -> a model folder in the Hugging Face layout; omit: files answered 404
 * @returns {Promise<{origin: string, cdnOrigin: string, requests: string[], dropNext(file: string): void, close(): Promise<void>}>}
 */
export async function startMockHub({ repos, sliceBytes = 8192, sliceMs = 25 }) {
  const requests = [];
  const drops = new Set(); // files whose next CDN download breaks off half-way
  const cors = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };
  const fileFor = (repo, file) => {
    const r = repos[repo];
    if (!r || r.omit?.some((re) => re.test(file))) return null;
    // The test fixtures hold fp32 exports only; every dtype's file name serves them (still a real model).
    const p = path.join(r.dir, file.replace(/_(quantized|fp16)\.onnx$/, '.onnx'));
    return path.relative(r.dir, p).startsWith('..') || !existsSync(p) ? null : p;
  };
  const listen = (server) => new Promise((res) => server.listen(0, '127.0.0.1', () => res(`http://127.0.0.1:${server.address().port}`)));

  const cdn = http.createServer(async (req, res) => {
    requests.push(`cdn ${req.url}`);
    const m = /^\/repos\/([^/]+\/[^/]+)\/(.+)$/.exec(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const p = m && fileFor(m[1], m[2]);
    if (!p) {
      res.writeHead(404, cors).end('not found');
      return;
    }
    const body = readFileSync(p);
    const drop = drops.delete(m[2]);
    res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    for (let off = 0; off < body.length; off += sliceBytes) {
      if (drop && off >= body.length / 2) {
        res.destroy(); // the connection drops with half the promised bytes sent
        return;
      }
      res.write(body.subarray(off, off + sliceBytes));
      await sleep(sliceMs);
    }
    res.end();
  });
  const cdnOrigin = await listen(cdn);

  const hub = http.createServer((req, res) => {
    requests.push(`hub ${req.url}`);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const p = m && fileFor(m[1], m[2]);
    if (!p) {
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' }).end('Entry not found');
      return;
    }
    if (p.endsWith('.onnx')) {
      res.writeHead(302, { ...cors, Location: `${cdnOrigin}/repos/${m[1]}/${m[2]}?X-Amz-Signature=mock` }).end();
      return;
    }
    const body = readFileSync(p);
    res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
  });
  const origin = await listen(hub);

  const stop = (s) => new Promise((res) => {
    if (!s.listening) return res();
    s.close(() => res());
    s.closeAllConnections();
  });
  return {
    origin,
    cdnOrigin,
    requests,
    dropNext: (file) => drops.add(file),
    close: () => Promise.all([stop(hub), stop(cdn)]).then(() => {}),
  };
}
