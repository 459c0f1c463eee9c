// The demo's Content-Security-Policy lets the page reach its own origin and the model hub only, and
// `CLIPFIND_MODEL_HOST=<origin> npm start` (scripts/serve.mjs) swaps the hub for a mirror: catalog
// baseUrls from the mirror (same paths) and a CSP that allows the mirror instead of the hub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const HUB_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

function csp(html) {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return Object.fromEntries(m[1].split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

// Every directive that names a network host (anything but keywords and the page's own schemes).
const hostsIn = (policy) => Object.values(policy).flat().filter((s) => /^https?:/.test(s));

async function serve(env) {
  const child = spawn(process.execPath, ['scripts/serve.mjs'], { cwd: root, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const origin = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/web\/demo\/\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited ${code}: ${out}`)));
  });
  return { origin, out: () => out, stop: () => child.kill() };
}

test('shipped CSP: connect-src is the page, blob:/data: and exactly the hub hosts every redirect hop needs', () => {
  const policy = csp(readFileSync(`${root}web/demo/index.html`, 'utf8'));
  assert.deepEqual(policy['connect-src'], ["'self'", 'blob:', 'data:', ...HUB_HOSTS]);
  // huggingface.co/…/resolve/main/x.onnx redirects to cdn-lfs*.hf.co or cas-bridge.xethub.hf.co
  const matches = (host) => HUB_HOSTS.some((s) => (s.includes('*.') ? host.endsWith(s.slice(s.indexOf('*') + 1).replace(/^\./, '.')) : s === `https://${host}`));
  for (const host of ['huggingface.co', 'cdn-lfs.huggingface.co', 'cdn-lfs-us-1.hf.co', 'cas-bridge.xethub.hf.co']) assert.ok(matches(host), host);
  assert.deepEqual(hostsIn(policy), HUB_HOSTS, 'no other directive names a host');
  assert.equal(policy['default-src'][0], "'self'");
});

test('CLIPFIND_MODEL_HOST: catalog baseUrls and the served CSP point at the mirror only', { timeout: 30000 }, async () => {
  const mirror = 'https://models.example.org';
  const server = await serve({ CLIPFIND_MODEL_HOST: mirror });
  try {
    assert.match(server.out(), /models from https:\/\/models\.example\.org/);
    const html = await (await fetch(`${server.origin}/web/demo/`)).text();
    const policy = csp(html);
    assert.deepEqual(policy['connect-src'], ["'self'", 'blob:', 'data:', mirror]);
    assert.deepEqual(hostsIn(policy), [mirror]);
    // the model worker's script carries the same policy (a worker does not inherit the page's meta tag)
    const worker = await fetch(`${server.origin}/web/worker.js`);
    assert.deepEqual(csp(`<meta http-equiv="Content-Security-Policy" content="${worker.headers.get('content-security-policy')}">`), policy);
    const shipped = JSON.parse(readFileSync(`${root}models/catalog.json`, 'utf8'));
    const served = await (await fetch(`${server.origin}/models/catalog.json`)).json();
    assert.equal(served.models.length, shipped.models.length);
    served.models.forEach((m, i) => {
      assert.equal(m.baseUrl, shipped.models[i].baseUrl.replace('https://huggingface.co/', `${mirror}/`));
      assert.match(m.baseUrl, /^https:\/\/models\.example\.org\/[^/]+\/[^/]+\/resolve\/main\/$/);
    });
  } finally {
    server.stop();
  }
  // a mirror that redirects to its storage lists both; the first one gives the baseUrls
  const two = await serve({ CLIPFIND_MODEL_HOST: 'http://127.0.0.1:9 https://storage.example.org' });
  try {
    const policy = csp(await (await fetch(`${two.origin}/web/demo/index.html`)).text());
    assert.deepEqual(hostsIn(policy), ['http://127.0.0.1:9', 'https://storage.example.org']);
    const served = await (await fetch(`${two.origin}/models/catalog.json`)).json();
    assert.ok(served.models.every((m) => m.baseUrl.startsWith('http://127.0.0.1:9/')));
  } finally {
    two.stop();
  }
  // without the hook the page and the catalog are served as shipped
  const plain = await serve({ CLIPFIND_MODEL_HOST: '' });
  try {
    assert.equal(await (await fetch(`${plain.origin}/web/demo/index.html`)).text(), readFileSync(`${root}web/demo/index.html`, 'utf8'));
  } finally {
    plain.stop();
  }
});

test('CLIPFIND_MODEL_HOST must be origins', { timeout: 30000 }, async () => {
  const child = spawn(process.execPath, ['scripts/serve.mjs'], { cwd: root, env: { ...process.env, PORT: '0', CLIPFIND_MODEL_HOST: 'https://models.example.org/some/path' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 2);
  assert.match(err, /not an origin/);
});
