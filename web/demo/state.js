// The page's one state machine. Every user-visible status goes through here, so a message can never
// outlive the state it describes (no "ready" during an import, no old count after a clear).
//   loading   a model is loading (search disabled)
//   ready     a model and its library are in use
//   importing photos are being indexed (controls that would swap the library are disabled)
//   searching a search is running (the results region is busy)
//   cleared   the library was just emptied
import { $ } from './dom.js';

const STATES = new Set(['loading', 'ready', 'importing', 'searching', 'cleared']);
let base = 'loading'; // loading | ready | importing | cleared
let searching = 0;

export const pageState = () => (searching && base !== 'loading' ? 'searching' : base);

function render() {
  document.body.dataset.state = pageState();
  $('search').disabled = base === 'loading' && !document.body.dataset.hasModel;
  $('results').setAttribute('aria-busy', String(searching > 0));
}

/** Moves to `state` and shows `message` (plain words) with an optional `details` line (codes). */
export function setState(state, message, details) {
  if (!STATES.has(state) || state === 'searching') throw new Error(`unknown page state ${state}`);
  base = state;
  render();
  if (message !== undefined) say(message, details);
}

/** A message for the current state; the details line is cleared unless given. */
export function say(message, details) {
  $('status').textContent = message;
  $('status-details').textContent = details ?? '';
  $('status-details').hidden = !details;
}

/** Runs `fn` as a search: the page is 'searching' while it runs (searches may overlap). */
export async function asSearch(fn) {
  searching++;
  render();
  try {
    return await fn();
  } finally {
    searching--;
    render();
  }
}

export const hasModel = (on) => {
  if (on) document.body.dataset.hasModel = '1';
  else delete document.body.dataset.hasModel;
  render();
};
