// Library, adding PDFs: an item `{ id, pdf }` becomes one item per page, id `<id>#page=<n>` (1-based),
// kind 'page', its image the rendered page and its caption the page's text layer. Pages are rendered a
// batch at a time and handed to the ordinary add (library_add.js), so a 5,000-page file is never
// whole in memory as images; a page that fails to render fails alone.
import { toBytes } from './bytes.js';
import { sha256Hex } from './digest.js';
import { AbortError, DocumentError, InvalidInputError } from './errors.js';
import { addItems, ITEM_KIND } from './library_add.js';
import { openPdf, pageText, renderPage } from './pdf.js';

/** Pages added per PDF unless `pdf.maxPages` says otherwise: past it, a PDF_TOO_MANY_PAGES failure. */
export const DEFAULT_MAX_PAGES = 1000;

/** The id of page `n` (1-based) of the document `id`. */
export const pageId = (id, n) => `${id}#page=${n}`;

// Render size: the model's input edge (info.imageSize, 224 for the built-in model) × 2. The model's
// preprocessing resizes the page down with a smoothing filter, so text strokes and thin lines
// rendered at 2× arrive as the right grey levels instead of pdf.js's aliased 1-pixel strokes; more
// than 2× adds rendering and JPEG time (and thumbnail bytes) for detail the model cannot see. At 2×
// an A4 page of the built-in model is 448 × 634 pixels.
const RENDER_FACTOR = 2;
const renderEdge = (model) => RENDER_FACTOR * (Number.isInteger(model.info?.imageSize) && model.info.imageSize > 0 ? model.info.imageSize : 224);
// Caption words kept: the tokenizer's length when the model states it, else CLIP's 77 (pdf.js's text
// layer is the caption, cut as pageText says).
const captionWords = (model) => (Number.isInteger(model.info?.maxTextTokens) && model.info.maxTextTokens > 0 ? model.info.maxTextTokens : 77);

function checkMaxPages(v) {
  if (v === undefined) return DEFAULT_MAX_PAGES;
  if (!Number.isInteger(v) || v < 1) throw new InvalidInputError('INVALID_ARGUMENT', `pdf.maxPages must be a whole number >= 1, got ${v}`);
  return v;
}

function removeIds(s, ids) {
  s.images.remove(ids);
  s.captions.remove(ids);
  for (const id of ids) s.items.delete(id);
  s.slots = null;
}

/** True when some item of `items` is a PDF (`{ id, pdf }`): add() then goes through addWithPdfs. */
export const hasPdf = (items) => Array.isArray(items) && items.some((it) => it && it.pdf !== undefined);

/**
 * add() for a batch with PDFs: plain items first, then each PDF page batch by page batch. Progress
 * counts pages (a PDF counts as its pages once it is opened). Options: `pdf.maxPages` (default 1000),
 * `pdf.onPage({ id, document, page, image })`: each rendered page's JPEG (the demo keeps it as the thumbnail).
 */
export async function addWithPdfs(s, items, { onProgress, signal, batchSize = 16, video, pdf: { maxPages, onPage } = {} } = {}) {
  const budget = checkMaxPages(maxPages);
  const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
  const merge = (part) => {
    summary.added += part.added;
    summary.updated += part.updated;
    summary.skipped += part.skipped;
    summary.failed.push(...part.failed);
  };
  const plain = items.filter((it) => !(it && it.pdf !== undefined));
  const docs = items.filter((it) => it && it.pdf !== undefined);
  // Progress over everything: plain items, then pages (a PDF counts 1 until it is opened).
  const t0 = Date.now();
  let done = 0;
  let total = plain.length + docs.length;
  const report = () => {
    if (!onProgress) return;
    const secs = (Date.now() - t0) / 1000;
    const perSecond = secs > 0 ? done / secs : 0;
    onProgress({ done, total, perSecond, eta: perSecond > 0 ? (total - done) / perSecond : null });
  };
  const tick = (n) => { done += n; report(); };
  if (plain.length) {
    const base = done;
    merge(await addItems(s, plain, { onProgress: onProgress && ((p) => { done = base + p.done; report(); }), signal, batchSize, video }));
  }
  report();
  for (const doc of docs) {
    if (signal?.aborted) throw new AbortError('indexing was cancelled');
    let opened = false;
    try {
      merge(await addDocument(s, doc, { budget, batchSize, signal, onPage, onPages: (n) => { opened = true; total += n - 1; report(); }, tick }));
    } catch (error) {
      if (error instanceof AbortError) throw error;
      summary.failed.push({ id: doc?.id, error });
      if (!opened) tick(1); // a file that did not open counts as one item done
    }
  }
  report();
  return summary;
}

async function addDocument(s, doc, { budget, batchSize, signal, onPage, onPages, tick }) {
  if (typeof doc.id !== 'string' || !doc.id) throw new InvalidInputError('INVALID_ARGUMENT', 'item.id must be a non-empty string');
  if (doc.image !== undefined) throw new InvalidInputError('INVALID_ARGUMENT', `${doc.id}: an item has either image or pdf, not both`);
  const bytes = await toBytes(doc.pdf, `${doc.id}: item.pdf`);
  const docHash = await sha256Hex(bytes);
  const pdf = await openPdf(bytes, doc.id);
  const summary = { added: 0, updated: 0, skipped: 0, failed: [] };
  try {
    const count = Math.min(pdf.numPages, budget);
    onPages(count);
    if (pdf.numPages > budget) {
      summary.failed.push({ id: doc.id, error: new DocumentError('PDF_TOO_MANY_PAGES', `${doc.id}: ${pdf.numPages} pages, over the budget of ${budget} per PDF: pages ${budget + 1}-${pdf.numPages} were not added (add option pdf.maxPages)`) });
    }
    // Pages of an earlier version of the file past its new end go.
    const stale = [];
    for (const it of s.items.values()) if (it.document === doc.id && (!(it.page >= 1 && it.page <= count))) stale.push(it.id);
    if (stale.length) removeIds(s, stale);
    // The same file as before, every page present: nothing is rendered.
    let unchanged = true;
    for (let n = 1; n <= count && unchanged; n++) unchanged = s.items.get(pageId(doc.id, n))?.documentHash === docHash;
    if (unchanged) {
      summary.skipped += count;
      tick(count);
      return summary;
    }
    const edge = renderEdge(s.model);
    const words = captionWords(s.model);
    for (let first = 1; first <= count; first += batchSize) {
      if (signal?.aborted) throw new AbortError('indexing was cancelled');
      const pages = [];
      for (let n = first; n < first + batchSize && n <= count; n++) {
        const id = pageId(doc.id, n);
        try {
          const page = await pdf.page(n);
          const { image, width, height } = await renderPage(page, edge);
          const text = await pageText(page, words).catch(() => '');
          page.cleanup();
          pages.push({ id, image, caption: text || undefined, [ITEM_KIND]: 'page', meta: { ...doc.meta, document: doc.id, documentHash: docHash, page: n, pages: pdf.numPages, width, height } });
        } catch (err) {
          summary.failed.push({ id, error: err instanceof DocumentError ? err : new DocumentError('PDF_PAGE', `${doc.id}: page ${n} could not be rendered (${err?.message ?? err})`) });
        }
      }
      const part = await addItems(s, pages, { signal, batchSize });
      if (onPage) {
        const failedIds = new Set(part.failed.map((f) => f.id));
        for (const p of pages) if (!failedIds.has(p.id) && s.items.has(p.id)) await onPage({ id: p.id, document: doc.id, page: p.meta.page, image: p.image });
      }
      summary.added += part.added;
      summary.updated += part.updated;
      summary.skipped += part.skipped;
      summary.failed.push(...part.failed);
      // A page whose rendering did not change was skipped: it is still of this version of the file
      // (and a page of a library saved before kinds gets its kind).
      const failed = new Set(part.failed.map((f) => f.id));
      for (const p of pages) {
        const rec = !failed.has(p.id) && s.items.get(p.id);
        if (rec) Object.assign(rec, { kind: 'page', documentHash: docHash });
      }
      tick(Math.min(batchSize, count - first + 1));
    }
    return summary;
  } finally {
    await pdf.close();
  }
}
