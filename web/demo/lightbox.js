// The preview: the photo large, its dates, folder and tags, its caption (editable: saving re-embeds
// it through Library.updateCaption), "more like this", and previous/next within the list it came from.
import { app, libraryChanged } from './app.js';
import { $ } from './dom.js';
import { explain } from './messages.js';
import { itemName } from './cards.js';
import { photoUrl, storedPhoto } from './photos.js';
import { playFrom } from './video_card.js';

const pdfUrls = new Map(); // document id -> object URL of the kept PDF, typed so the browser shows it

async function pdfUrl(documentId) {
  if (!pdfUrls.has(documentId)) {
    const file = await storedPhoto(documentId);
    // Without private storage, the PDF picked in this session (or nothing).
    pdfUrls.set(documentId, file ? URL.createObjectURL(new Blob([file], { type: 'application/pdf' })) : await photoUrl(documentId));
  }
  return pdfUrls.get(documentId);
}

let list = []; // the ids of the view the preview was opened from
let index = 0;
let opener = null;
let moreLikeThis = () => {};
let startAt = new Map(); // id -> seconds: where a video opened from a search result starts

const when = (iso) => {
  if (!iso) return 'unknown';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

async function show() {
  const id = list[index];
  const it = app.library?.get(id);
  if (!it) return close();
  const src = await photoUrl(id);
  const video = it.kind === 'video';
  $('lb-video').pause();
  $('lb-video').hidden = true;
  if (video && src) playFrom($('lb-video'), src, startAt.get(id) ?? 0);
  const name = itemName(it);
  $('lb-img').src = video ? '' : src;
  $('lb-img').alt = it.caption ? `${name}: ${it.caption}` : name;
  $('lb-img').hidden = !src || video;
  $('lb-title').textContent = name;
  // A PDF page opens its document at that page (the browser's PDF viewer reads #page=N).
  const doc = it.kind === 'page' && it.document ? await pdfUrl(it.document) : '';
  $('lb-open-pdf').hidden = !doc;
  if (doc) $('lb-open-pdf').href = `${doc}#page=${it.page}`;
  else $('lb-open-pdf').removeAttribute('href');
  $('lb-taken').textContent = it.dateTaken ? when(it.dateTaken) : 'unknown (no date in the file)';
  $('lb-added').textContent = it.addedAt ? when(it.addedAt) : 'unknown';
  $('lb-folder').textContent = it.folder || '(top level)';
  $('lb-tags').textContent = it.tags?.length ? it.tags.join(', ') : 'none';
  $('lb-caption').value = it.caption ?? '';
  $('lb-caption-status').textContent = '';
  $('lb-prev').disabled = index === 0;
  $('lb-next').disabled = index >= list.length - 1;
  $('lightbox').dataset.id = id;
}

/**
 * Opens the preview of `id`; `ids` is the list it belongs to (for previous/next); a video plays from
 * `time` seconds (the moment a search found).
 */
export async function openPreview(id, ids = [id], time = undefined) {
  startAt = new Map(time === undefined ? [] : [[id, time]]);
  list = ids.includes(id) ? ids : [id];
  index = list.indexOf(id);
  opener = document.activeElement;
  await show();
  if (!$('lightbox').open) $('lightbox').showModal();
  $('lb-more').focus();
}

function close() {
  $('lb-video').pause();
  if ($('lightbox').open) $('lightbox').close();
}

async function saveCaption() {
  const id = list[index];
  const caption = $('lb-caption').value.trim();
  const note = $('lb-caption-status');
  $('lb-save').disabled = true;
  note.textContent = 'Saving…';
  try {
    await app.library.updateCaption(id, caption || null); // re-embeds the caption with the model
    await app.library.save(app.libraryName);
    note.textContent = caption ? 'Caption saved; searches use it now.' : 'Caption removed.';
    libraryChanged('caption');
  } catch (err) {
    note.textContent = `The caption could not be saved: ${explain(err).text}.`;
  } finally {
    $('lb-save').disabled = false;
  }
}

/** `onMore(id)`: what "More like this" does. */
export function wireLightbox(onMore) {
  moreLikeThis = onMore;
  $('lb-close').addEventListener('click', close);
  $('lb-save').addEventListener('click', saveCaption);
  $('lb-more').addEventListener('click', () => {
    const id = list[index];
    close();
    moreLikeThis(id);
  });
  $('lb-prev').addEventListener('click', () => { if (index > 0) { index--; show(); } });
  $('lb-next').addEventListener('click', () => { if (index < list.length - 1) { index++; show(); } });
  $('lightbox').addEventListener('keydown', (e) => {
    if (e.target === $('lb-caption')) return;
    if (e.key === 'ArrowLeft') $('lb-prev').click();
    else if (e.key === 'ArrowRight') $('lb-next').click();
  });
  $('lightbox').addEventListener('click', (e) => { if (e.target === $('lightbox')) close(); }); // the backdrop
  $('lightbox').addEventListener('close', () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });
}

export const closePreview = close;
