// Search results: a text query, an example photo (shown as a removable chip in the search box), or
// both. Relevant photos first; when none passes the relevance rule the closest are shown dimmed and
// the page says so. 60 at a time, "Show more" for the next ones.
import { parseQuery } from '../index.js';
import { app } from './app.js';
import { card } from './cards.js';
import { clock } from './video_card.js';
import { $ } from './dom.js';
import { explain } from './messages.js';
import { tooLong } from './model_hint.js';
import { photoUrl } from './photos.js';
import { asSearch } from './state.js';

const PAGE = 60;
let queryImage = null; // { id } (a library photo) or a File (pasted, dropped or picked)
let chipUrl = null;
let seq = 0;
let current = null; // { terms, filter, offset, total, label, ids }
let actions = { preview: () => {}, more: () => {} };

export const hasQuery = () => Boolean(queryImage) || $('search').value.trim() !== '';

/** `preview(id, ids)` and `more(id)`: what a result's Space and Enter do. */
export function wireSearchView(a) { actions = a; }

/** Searches for photos like `image` ({ id } or a File); the chip shows it. */
export async function setImageQuery(image) {
  queryImage = image;
  if (chipUrl) URL.revokeObjectURL(chipUrl);
  chipUrl = image instanceof Blob ? URL.createObjectURL(image) : null;
  $('query-chip-img').src = chipUrl ?? (await photoUrl(image.id));
  $('query-chip-text').textContent = image instanceof Blob ? `Like ${image.name || 'your photo'}` : `Like ${app.library?.get(image.id)?.fileName ?? image.id}`;
  $('query-chip').hidden = false;
}

export function clearImageQuery() {
  queryImage = null;
  if (chipUrl) URL.revokeObjectURL(chipUrl);
  chipUrl = null;
  $('query-chip').hidden = true;
  $('query-chip-img').removeAttribute('src');
}

/** Empties the results (a new library, a cleared one, or the library view instead). */
export function clearResults() {
  seq++;
  current = null;
  $('results').replaceChildren();
  $('more-results').replaceChildren();
  $('more-results').hidden = true;
  $('show-less-relevant').hidden = true;
  $('show-more').hidden = true;
  $('results').dataset.query = '';
}

export function filterValues() {
  const filter = {};
  if ($('folder-filter').value) filter.folder = $('folder-filter').value;
  if ($('date-from').value) filter.from = $('date-from').value;
  if ($('date-to').value) filter.to = `${$('date-to').value}T23:59:59`;
  return filter;
}

// The heading says what the results are for: words, an example photo, or both.
function describe(text) {
  const like = queryImage ? `Photos like ${queryImage instanceof Blob ? (queryImage.name || 'your photo') : (app.library?.get(queryImage.id)?.fileName ?? queryImage.id)}` : '';
  const quoted = `“${text.length > 80 ? `${text.slice(0, 80)}…` : text}”`;
  if (like && text) return `${like} and ${quoted}`;
  return like || `Results for ${quoted}`;
}

/**
 * Runs the query in the search box (and the chip). Returns false when there is nothing to search
 * for (empty or punctuation-only): the caller shows the library instead; `note` says why.
 */
export async function runSearch({ onNothing }) {
  if (!app.library || !app.model) return true;
  const mine = ++seq;
  const text = $('search').value.trim();
  const terms = [];
  if (queryImage) terms.push(queryImage instanceof Blob ? { kind: 'image', value: queryImage, weight: 1 } : { kind: 'id', value: queryImage.id, weight: 1 });
  let textTerms = [];
  try {
    textTerms = text ? parseQuery(text) : [];
  } catch {
    textTerms = []; // a term that is only a sign or a weight: nothing to search for in it
  }
  terms.push(...textTerms);
  if (!terms.length) {
    clearResults();
    onNothing(text ? `Nothing to search for in “${text}”: type a few words, such as the examples above.` : '');
    return false;
  }
  const label = describe(text);
  const long = tooLong(app.tokenizer, textTerms.filter((t) => t.kind === 'text').map((t) => t.value));
  const shortened = long.length ? ` Your query is longer than the model reads (${app.tokenizer.info.maxLength} tokens), so only its beginning was used.` : '';
  current = { terms, filter: filterValues(), offset: 0, label, shortened, text, relevant: 0, ids: [], image: Boolean(queryImage) };
  $('photos-heading').textContent = label;
  return asSearch(() => showPage(mine, current));
}

async function showPage(mine, q) {
  let found;
  try {
    found = await app.library.search(q.terms, { k: PAGE, offset: q.offset, filter: q.filter });
  } catch (err) {
    if (mine !== seq) return true;
    clearResults();
    const { text, details } = explain(err);
    $('view-count').textContent = `This search did not work: ${text}.`;
    $('view-count').title = details;
    return true;
  }
  if (mine !== seq) return true; // a newer query is on its way
  const { results, total } = found;
  const relevant = results.filter((r) => r.relevant), rest = results.filter((r) => !r.relevant);
  const first = q.offset === 0;
  q.relevant += relevant.length;
  q.ids.push(...results.map((r) => r.id));
  q.total = total;
  const ids = q.ids;
  // A video result opens at the moment found (Enter, a click and Space alike).
  const make = (r) => card(r.meta, {
    primary: r.kind === 'video' ? (it) => actions.preview(it.id, ids, r.time) : (it) => actions.more(it.id),
    primaryLabel: r.kind === 'video' ? `play from ${clock(r.time)}` : 'more like this',
    preview: (it) => actions.preview(it.id, ids, r.time),
    time: r.time,
    frameTime: r.frameTime,
    score: `score ${r.score.toFixed(3)}`,
    dim: !r.relevant,
  });
  const [good, other] = await Promise.all([Promise.all(relevant.map(make)), Promise.all(rest.map(make))]);
  if (mine !== seq) return true;
  if (first) {
    $('results').replaceChildren(...good);
    $('more-results').replaceChildren(...other);
  } else {
    $('results').append(...good);
    $('more-results').append(...other);
  }
  $('results').dataset.query = q.text; // which query both lists show (tests wait for it)
  const hiddenRest = $('more-results').children.length;
  // Nothing relevant: the closest photos are shown at once, dimmed; else behind a button.
  if (first) $('more-results').hidden = q.relevant > 0;
  else if (!relevant.length) $('more-results').hidden = false;
  $('show-less-relevant').hidden = !$('more-results').hidden || hiddenRest === 0;
  $('show-less-relevant').textContent = `Show ${hiddenRest} less relevant photo${hiddenRest === 1 ? '' : 's'}`;
  const shown = q.offset + results.length;
  q.more = results.length === PAGE && shown < total;
  // Beyond this page: offered once the less relevant photos of this page are in view.
  $('show-more').hidden = !q.more || !$('show-less-relevant').hidden;
  $('show-more').textContent = `Show more (${shown} of ${total} shown)`;
  $('view-count').title = '';
  const n = `${q.relevant}${results.length === PAGE && relevant.length === results.length ? '+' : ''}`;
  const what = q.label.replace(/^Results for /, '');
  $('view-count').textContent = (q.relevant
    ? `${n} close match${q.relevant === 1 ? '' : 'es'} of ${q.total} photos.`
    : `${q.image ? 'No close matches' : `No photos match ${what}`} — showing the closest ${shown}.`) + q.shortened;
  return true;
}

/** "Show N less relevant photos": the dimmed ones of the pages shown so far, then "Show more". */
export function revealLessRelevant() {
  $('more-results').hidden = false;
  $('show-less-relevant').hidden = true;
  $('show-more').hidden = !current?.more;
  $('more-results').querySelector('button.photo')?.focus();
}

/** The next page of the current search. */
export async function showMore() {
  if (!current) return;
  current.offset += PAGE;
  const mine = seq;
  $('more-results').hidden = false;
  await asSearch(() => showPage(mine, current));
}
