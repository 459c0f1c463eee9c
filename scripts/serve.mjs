#!/usr/bin/env node
// Static server for the demo: 127.0.0.1 only, port from $PORT (default 8080). Sends COOP/COEP so
// the page is cross-origin isolated (WASM threads). Serves only web/ and models/.
//
// Mirror hook: CLIPFIND_MODEL_HOST=<origin> [more origins] serves the demo with every catalog baseUrl
// taken from the first origin instead of https://huggingface.co (same paths), and the page's CSP
// connect-src allowing those origins (a mirror that redirects to its storage lists that host too)
// instead of the hub's hosts.
//
// Remote model hook: CLIPFIND_REMOTE_HOST=https://api.voyageai.com serves the page with that origin
// added to connect-src, so the demo's opt-in Voyage model can reach it. Without it the page's policy
// blocks every origin but this one and the model hub: the demo cannot send photos anywhere.
import http from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
};

// The hosts a Hugging Face `resolve` URL goes through (huggingface.co, then a redirect to
// cdn-lfs*.hf.co / cas-bridge.xethub.hf.co / …): what web/demo/index.html's connect-src allows.
export const HUB = 'https://huggingface.co';
export const HUB_HOSTS = 'https://huggingface.co https://*.huggingface.co https://*.hf.co';

/** Parses CLIPFIND_MODEL_HOST: origins separated by spaces or commas; throws on anything else. */
export function parseModelHosts(value) {
  const list = String(value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const o of list) {
    let url;
    try {
      url = new URL(o);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== o.replace(/\/$/, '')) throw new Error(`CLIPFIND_MODEL_HOST: '${o}' is not an origin like https://models.example.org`);
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

// The demo page and the catalog as served for a mirror (modelHosts) or a remote model's origin
// (remoteHosts), or as shipped (neither).
function rewritten(rel, modelHosts, remoteHosts = []) {
  if (!modelHosts.length && !remoteHosts.length) return null;
  if (rel === 'web/demo/index.html') return demoPage(modelHosts, remoteHosts);
  if (!modelHosts.length) return null;
  if (rel === 'models/catalog.json') {
    const catalog = JSON.parse(readFileSync(path.join(root, rel), 'utf8'));
    for (const m of catalog.models) if (m.baseUrl.startsWith(`${HUB}/`)) m.baseUrl = modelHosts[0] + m.baseUrl.slice(HUB.length);
    return JSON.stringify(catalog, null, 2);
  }
  return null;
}

function demoPage(modelHosts, remoteHosts = []) {
  let html = readFileSync(path.join(root, 'web/demo/index.html'), 'utf8');
  if (!modelHosts.length && !remoteHosts.length) return html;
  if (!html.includes(`connect-src 'self' blob: data: ${HUB_HOSTS};`)) throw new Error('web/demo/index.html: connect-src does not list the hub hosts the mirror hook replaces');
  const hosts = [...(modelHosts.length ? modelHosts : [HUB_HOSTS]), ...remoteHosts];
  html = html.replace(`connect-src 'self' blob: data: ${HUB_HOSTS};`, `connect-src 'self' blob: data: ${hosts.join(' ')};`);
  return html;
}

/** The demo's Content-Security-Policy (its meta tag, with the mirror's and remote model's hosts when given). */
export function demoPolicy(modelHosts = [], remoteHosts = []) {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(demoPage(modelHosts, remoteHosts))[1];
}

/**
 * @param {{roots?: string[], isolation?: boolean, modelHosts?: string[], remoteHosts?: string[]}} [options] top-level folders
 *   served (tests add their own pages); isolation: false behaves like a plain static host without
 *   COOP/COEP; modelHosts: the mirror hook; remoteHosts: the remote model hook (see above)
 */
export function createServer({ roots = ['web', 'models'], isolation = true, modelHosts = [], remoteHosts = [] } = {}) {
  // A worker started from its own URL takes its policy from its response, not from the page's meta
  // tag: scripts under web/ carry the demo's policy as a header, so the model worker (which downloads
  // the models) is held to the same connect-src on a first visit too.
  const policy = demoPolicy(modelHosts, remoteHosts);
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
    // package.json too: web/index.js reads the version from it, as it does installed from npm.
    if (!file.startsWith(root + path.sep) || !(roots.includes(top) || top === 'package.json')) {
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
    const type = types[path.extname(file)] ?? 'application/octet-stream';
    const body = rewritten(path.relative(root, file).split(path.sep).join('/'), modelHosts, remoteHosts);
    if (body !== null) {
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const csp = /^web\/.*\.m?js$/.test(path.relative(root, file).split(path.sep).join('/')) ? { 'Content-Security-Policy': policy } : {};
    res.writeHead(200, { ...headers, ...csp, 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const port = Number(process.env.PORT ?? 8080);
  let modelHosts, remoteHosts;
  try {
    modelHosts = parseModelHosts(process.env.CLIPFIND_MODEL_HOST);
    remoteHosts = parseModelHosts(process.env.CLIPFIND_REMOTE_HOST);
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const server = createServer({ modelHosts, remoteHosts });
  server.listen(port, '127.0.0.1', () => {
    const mirror = modelHosts.length ? `\nmodels from ${modelHosts[0]} (the page may connect to ${modelHosts.join(', ')})` : '';
    const remote = remoteHosts.length ? `\nthe page may send data to ${remoteHosts.join(', ')} (a remote model, after the user opts in)` : '';
    console.log(`clipfind demo: http://127.0.0.1:${server.address().port}/web/demo/${mirror}${remote}`);
  });
}
