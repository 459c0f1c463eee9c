// PDF pages as images: pdf.js (pdfjs-dist, Apache-2.0) opens a document and renders one page at a
// time to a canvas (@napi-rs/canvas in Node, the DOM's canvas in pages), encoded as a JPEG the
// library embeds like a photo; the page's text layer, when it has one, becomes its caption. pdf.js is
// imported the first time a PDF appears, so photo-only use never loads it.
import { DocumentError } from './errors.js';
import { isNode, nodeImport } from './env.js';

let pdfjsPromise = null;
let standardFonts; // Node: the folder of pdf.js's standard font data

// pdf.js 6 targets Node >= 22; clipfind supports Node 20, which lacks three things it calls:
// Promise.withResolvers, process.getBuiltinModule (how pdf.js reaches @napi-rs/canvas and fs) and
// ArrayBuffer.prototype.transferToFixedLength (font loading; without it a page that reuses a font
// waits forever). All are standard, so they are filled in only where absent, with their specified
// results (the transfer copies and leaves the source attached: nothing of pdf.js reads it again).
async function nodePolyfills() {
  if (!ArrayBuffer.prototype.transferToFixedLength) {
    Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
      configurable: true,
      writable: true,
      value: function transferToFixedLength(length = this.byteLength) {
        const out = new ArrayBuffer(length);
        new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
        return out;
      },
    });
  }
  Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new this((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
  if (!process.getBuiltinModule) {
    const { createRequire } = await nodeImport('node:module');
    const require = createRequire(import.meta.url);
    process.getBuiltinModule = (id) => require(id.startsWith('node:') ? id : `node:${id}`);
  }
}

// Unbundled pages cannot resolve package names: web/vendor/ (scripts/build.sh copies pdf.js there)
// or node_modules beside the package are tried next, as for the image decoders.
const FALLBACK_DIRS = ['./vendor/', '../../'];
async function importPdfjsInPage() {
  try {
    const mod = await import('pdfjs-dist/build/pdf.min.mjs');
    // Bundled: pdf.js's worker file has no URL the bundle knows, so its parser runs in this thread
    // (pdf.js's documented fallback when globalThis.pdfjsWorker is set).
    globalThis.pdfjsWorker ??= await import('pdfjs-dist/build/pdf.worker.min.mjs');
    return { mod, worker: null };
  } catch (first) {
    for (const dir of FALLBACK_DIRS) {
      try {
        const base = new URL(`${dir}pdfjs-dist/build/`, import.meta.url).href;
        const mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ `${base}pdf.min.mjs`);
        return { mod, worker: `${base}pdf.worker.min.mjs` };
      } catch {}
    }
    throw new DocumentError('PDF_UNAVAILABLE', `pdf.js could not be loaded: import 'clipfind' through a bundler, or serve web/vendor/ (npm run build) or node_modules beside the package (${first?.message ?? 'not found'})`);
  }
}

/** pdf.js, imported once (Node: the legacy build, which runs without a DOM). */
export function loadPdfjs() {
  pdfjsPromise ??= (async () => {
    if (isNode) {
      await nodePolyfills();
      const mod = await nodeImport('pdfjs-dist/legacy/build/pdf.mjs');
      // The 14 standard fonts' metrics, for PDFs that name Helvetica & co. without embedding them.
      const { fileURLToPath } = await nodeImport('node:url');
      standardFonts = fileURLToPath(new URL('standard_fonts/', import.meta.resolve('pdfjs-dist/package.json')));
      return mod;
    }
    const { mod, worker } = await importPdfjsInPage();
    // Unbundled, pdf.js parses in its own Web Worker, the vendored file beside it.
    if (worker && !mod.GlobalWorkerOptions.workerSrc) mod.GlobalWorkerOptions.workerSrc = worker;
    return mod;
  })();
  pdfjsPromise.catch(() => { pdfjsPromise = null; });
  return pdfjsPromise;
}

/** True for bytes that start like a PDF (%PDF- within the first 1 KiB, as readers allow). */
export function looksLikePdf(bytes) {
  const n = Math.min(bytes.length, 1024);
  for (let i = 0; i + 5 <= n; i++) {
    if (bytes[i] === 0x25 && bytes[i + 1] === 0x50 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x46 && bytes[i + 4] === 0x2d) return true;
  }
  return false;
}

/**
 * Opens a PDF: { numPages, page(n), close() }. Encrypted → DocumentError PDF_ENCRYPTED, unreadable →
 * INVALID_PDF, each naming `name` (the file).
 */
export async function openPdf(bytes, name) {
  const pdfjs = await loadPdfjs();
  // pdf.js transfers the buffer it is given to its worker: a copy keeps the caller's bytes usable.
  // No eval (the demo's CSP forbids it), no font faces added to the page, no network.
  const task = pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false, stopAtErrors: false, verbosity: 0, ...(standardFonts ? { standardFontDataUrl: standardFonts } : {}) });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    if (err?.name === 'PasswordException') throw new DocumentError('PDF_ENCRYPTED', `${name}: the PDF is password-protected; clipfind does not ask for passwords (save an unprotected copy)`);
    throw new DocumentError('INVALID_PDF', `${name}: not a readable PDF (${err?.message ?? err})`);
  }
  return {
    numPages: doc.numPages,
    page: (n) => doc.getPage(n),
    close: () => task.destroy(),
  };
}

// The page's text layer as one line of words; the first `maxWords` kept. Every word is at least one
// token, so the first maxTokens words hold everything the model's tokenizer keeps (it truncates at
// its max length): nothing the model would see is cut, and a 5,000-word page is not stored whole.
// A word is also capped at 64 characters (a run without spaces: a URL, a hash, a table cell).
export async function pageText(page, maxWords) {
  const content = await page.getTextContent();
  const words = [];
  for (const item of content.items) {
    if (typeof item.str !== 'string') continue;
    for (const w of item.str.split(/\s+/)) {
      if (!w) continue;
      words.push(w.length > 64 ? w.slice(0, 64) : w);
      if (words.length >= maxWords) return words.join(' ');
    }
  }
  return words.join(' ');
}

function makeCanvas(canvasModule, width, height) {
  if (canvasModule) return canvasModule.createCanvas(width, height);
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

async function encodeJpeg(canvas) {
  if (typeof canvas.encode === 'function') return new Uint8Array(await canvas.encode('jpeg', 90)); // @napi-rs/canvas
  const blob = typeof canvas.convertToBlob === 'function'
    ? await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })
    : await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.9));
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * Renders page `n` so that its shorter edge is `edge` pixels (the longer one at most 4× that: a
 * receipt-like strip does not become a 30-megapixel image): { image: JPEG bytes, width, height }.
 */
export async function renderPage(page, edge) {
  const base = page.getViewport({ scale: 1 });
  const short = Math.min(base.width, base.height);
  const long = Math.max(base.width, base.height);
  const scale = Math.min(edge / short, (4 * edge) / long);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const canvasModule = isNode ? await nodeImport('@napi-rs/canvas') : null;
  const canvas = makeCanvas(canvasModule, width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff'; // pages without a background are white on paper, not transparent
  ctx.fillRect(0, 0, width, height);
  await page.render({ canvasContext: ctx, canvas, viewport }).promise;
  return { image: await encodeJpeg(canvas), width, height };
}
