// Headless Debian Chromium driven by playwright-core, pages served from 127.0.0.1 with COOP/COEP.
import { existsSync } from 'node:fs';
import { createServer } from '../../../scripts/serve.mjs';

export const chromiumPath = '/usr/lib/chromium/chromium';

export function browserSkipReason() {
  if (!existsSync(chromiumPath)) return `${chromiumPath} is absent (Debian package chromium)`;
  return false;
}

/**
 * @param {{webgpu?: boolean, roots?: string[], isolation?: boolean, modelHosts?: string[], remoteHosts?: string[], args?: string[]}} [options]
 *   modelHosts: scripts/serve.mjs's mirror hook (CLIPFIND_MODEL_HOST); args: extra Chromium flags
 */
export async function withBrowser(fn, { webgpu = true, roots = ['web', 'models', 'tests'], isolation = true, modelHosts = [], remoteHosts = [], args: extraArgs = [] } = {}) {
  const { chromium } = await import('playwright-core');
  const server = createServer({ roots, isolation, modelHosts, remoteHosts });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const args = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  args.push(...extraArgs);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args });
  const requests = [];
  try {
    const context = await browser.newContext();
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    context.on('requestfailed', (r) => logs.push(`FAILED ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400 || process.env.CLIPFIND_LOG_REQUESTS) logs.push(`HTTP ${r.status()} ${r.url()}`); });
    // "Network off" for the page: the origin's server stops, so only what the service worker cached
    // can load (Playwright's setOffline does not reach every worker request).
    const stopServer = () => new Promise((res) => {
      server.close(res);
      server.closeAllConnections();
    });
    return await fn({ page, origin, requests, logs, context, browser, stopServer });
  } finally {
    await browser.close();
    if (server.listening) server.close();
  }
}
