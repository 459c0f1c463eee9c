// All photos: the library as a photo grid, sorted by date taken, date added or name, with the folder
// and date filters. Rendered a page at a time (and the next page when its button scrolls into view),
// so a library of thousands opens at once.
import { app } from './app.js';
import { card } from './cards.js';
import { $ } from './dom.js';
import { photos } from './messages.js';

const PAGE = 120;
let sorted = [];
let shown = 0;
let seq = 0;
let preview = () => {};

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const SORTS = {
  // newest first; photos without a date go last, by name
  taken: (a, b) => (b.dateTaken ?? '').localeCompare(a.dateTaken ?? '') || byName.compare(a.id, b.id),
  // newest first; within one import (same time), in the order they were picked
  added: (a, b) => (b.addedAt ?? '').localeCompare(a.addedAt ?? '') || a.order - b.order,
  name: (a, b) => byName.compare(a.fileName ?? a.id, b.fileName ?? b.id) || byName.compare(a.id, b.id),
};

function matches(it, { folder, from, to }) {
  if (folder !== undefined && !(it.folder === folder || String(it.folder ?? '').startsWith(`${folder}/`))) return false;
  if (from && (!it.dateTaken || it.dateTaken < from)) return false;
  if (to && (!it.dateTaken || it.dateTaken > to)) return false;
  return true;
}

/** `open(id, ids)`: what Enter, Space and a click on a photo do (the preview). */
export function wireLibraryView(open) {
  preview = open;
  $('library-more').addEventListener('click', () => renderPage(seq));
  // Infinite scroll: the "Show more photos" button loads the next page when it comes into view.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !$('library-more').hidden) renderPage(seq);
  }, { rootMargin: '400px' }).observe($('library-more'));
}

/** Shows the library (all photos matching the filters) from the top. */
export async function showLibrary(filter, note = '') {
  const mine = ++seq;
  const lib = app.library;
  let order = 0;
  const all = lib ? [...lib.items()].map((it) => ({ ...it, order: order++ })) : [];
  sorted = all.filter((it) => matches(it, filter)).sort(SORTS[$('sort').value] ?? SORTS.taken);
  shown = 0;
  $('photos-heading').textContent = 'All photos';
  $('library').replaceChildren();
  $('library').hidden = false;
  const filtered = sorted.length !== all.length;
  $('view-count').title = '';
  $('view-count').textContent = note || (all.length === 0 ? '' : filtered ? `${photos(sorted.length)} of ${all.length} match the filters.` : `${photos(all.length)}.`);
  $('empty').hidden = sorted.length > 0;
  $('empty-text').textContent = all.length === 0 && document.body.dataset.state === 'importing'
    ? 'Your photos appear here as soon as they are indexed.'
    : all.length === 0
    ? 'No photos yet. Add photos or a folder, drop them on the page, or index the sample gallery to try it.'
    : 'No photos match the folder and dates chosen.';
  await renderPage(mine);
}

async function renderPage(mine) {
  if (mine !== seq) return;
  const slice = sorted.slice(shown, shown + PAGE);
  shown += slice.length;
  $('library-more').hidden = true;
  const ids = sorted.map((it) => it.id);
  const cards = await Promise.all(slice.map((it) => card(it, {
    primary: (item) => preview(item.id, ids),
    primaryLabel: 'preview',
    preview: (item) => preview(item.id, ids),
    testid: 'photo',
  })));
  if (mine !== seq) return;
  $('library').append(...cards);
  $('library-more').hidden = shown >= sorted.length;
  $('library-more').textContent = `Show more photos (${shown} of ${sorted.length} shown)`;
}

export function hideLibrary() {
  seq++;
  $('library').hidden = true;
  $('library').replaceChildren();
  $('library-more').hidden = true;
  $('empty').hidden = true;
}
