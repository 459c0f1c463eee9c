#!/usr/bin/env node
// Static server for the demo: 127.0.0.1 only, port from $PORT (default 8080). Sends COOP/COEP so
// the page is cross-origin isolated (WASM threads). Serves only web/ and models/.
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
};

/**
 * @param {{roots?: string[], isolation?: boolean}} [options] top-level folders served (tests add their
 *   own pages); isolation: false behaves like a plain static host without COOP/COEP
 */
export function createServer({ roots = ['web', 'models'], isolation = true } = {}) {
  return http.createServer((req, res) => {
    const headers = isolation ? {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    } : { 'X-Content-Type-Options': 'nosniff' };
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(302, { ...headers, Location: '/web/demo/' }).end();
      return;
    }
    let rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (rel.endsWith('/') || rel === '') rel += 'index.html';
    const file = path.resolve(root, rel);
    const top = path.relative(root, file).split(path.sep)[0];
    if (!file.startsWith(root + path.sep) || !roots.includes(top)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      res.writeHead(404, headers).end('not found');
      return;
    }
    if (st.isDirectory()) {
      res.writeHead(302, { ...headers, Location: `${url.pathname}/` }).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const port = Number(process.env.PORT ?? 8080);
  createServer().listen(port, '127.0.0.1', () => {
    console.log(`clipfind demo: http://127.0.0.1:${port}/web/demo/`);
  });
}
