// Photo cards and the keyboard grid. A grid is a list of focusable photos with one tab stop (roving
// tabindex): arrow keys, Home and End move between photos; what Enter and Space do is the view's.
import { el } from './dom.js';
import { photoUrl } from './photos.js';
import { audioPlayer } from './sounds.js';
import { clock, videoThumb } from './video_card.js';

/** What a person calls an item: its file name; a PDF page is "name.pdf · page N". */
export function itemName(item) {
  if (item.kind === 'page' && item.document) return `${item.document.slice(item.document.lastIndexOf('/') + 1)} · page ${item.page}`;
  return item.fileName ?? item.id;
}

/**
 * A card for a library item. `primary` is what Enter (and a click) does, with its label;
 * `preview` is what Space (and the card's preview button) does.
 */
export async function card(item, { primary, primaryLabel, preview, score = null, dim = false, testid = 'result', time, frameTime }) {
  const name = itemName(item);
  const src = await photoUrl(item.id);
  const sound = item.kind === 'audio';
  // a video shows the frame that matched (or its poster frame) and a time badge (video_card.js); a sound a note (and a player below)
  const img = item.kind === 'video' ? videoThumb(src, frameTime ?? item.posterTime)
    : sound ? el('span', { className: 'sound-icon', textContent: '♪', attrs: { 'aria-hidden': 'true' } })
    : el('img', { alt: '', loading: 'lazy', decoding: 'async' });
  if (item.kind !== 'video' && !sound && src) img.src = src;
  else if (!src) img.classList.add('missing');
  // A video's time, a PDF page's number, in a corner of the thumbnail.
  const badge = item.kind === 'video' ? el('span', { className: 'time-badge', dataset: { testid: 'time-badge' }, textContent: `▶ ${clock(time ?? item.duration ?? 0)}` })
    : item.kind === 'page' ? el('span', { className: 'page-badge', textContent: `p. ${item.page}`, dataset: { testid: 'page-badge' }, attrs: { 'aria-hidden': 'true' } }) : null;
  const caption = item.caption ? el('span', { className: 'caption', textContent: item.caption }) : null;
  const main = el('button', { type: 'button', className: 'photo', tabIndex: -1, attrs: { 'aria-label': `${name}${dim ? ', less relevant' : ''}: ${primaryLabel}` } }, img, badge);
  main.addEventListener('click', () => primary(item));
  main.addEventListener('keydown', (e) => {
    if (e.key === ' ' && !e.repeat) {
      e.preventDefault(); // Space previews (as in a file browser); Enter does the primary action
      preview(item);
    }
  });
  const open = el('button', { type: 'button', className: 'preview', tabIndex: -1, textContent: '⤢', title: 'Preview', attrs: { 'aria-label': `Preview ${name}` } });
  open.addEventListener('click', () => preview(item));
  const info = el('div', { className: 'info' },
    el('span', { className: 'name', textContent: name }),
    caption,
    sound && src ? audioPlayer(src, name) : null,
    score === null ? null : el('span', { className: 'score', textContent: score }));
  return el('li', { className: `card${dim ? ' irrelevant' : ''}`, dataset: { testid, id: item.id } }, main, open, info);
}

const photosOf = (list) => [...list.querySelectorAll('li.card > button.photo')];

/** Keeps one photo of `lists` tabbable and moves focus with the arrow keys (across the lists given). */
export function keyboardGrid(lists) {
  const all = () => lists.filter((l) => !l.hidden).flatMap(photosOf);
  const focusAt = (buttons, i) => {
    const target = buttons[Math.max(0, Math.min(buttons.length - 1, i))];
    if (!target) return;
    for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  };
  for (const list of lists) {
    list.addEventListener('keydown', (e) => {
      const buttons = all();
      const i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      const perRow = Math.max(1, buttons.filter((b) => b.offsetTop === buttons[0].offsetTop).length);
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: perRow, ArrowUp: -perRow }[e.key];
      if (step !== undefined) focusAt(buttons, i + step);
      else if (e.key === 'Home') focusAt(buttons, 0);
      else if (e.key === 'End') focusAt(buttons, buttons.length - 1);
      else return;
      e.preventDefault();
    });
    list.addEventListener('focusin', (e) => {
      if (e.target.classList?.contains('photo')) for (const b of all()) b.tabIndex = b === e.target ? 0 : -1;
    });
  }
  return {
    /** After a re-render: the first photo (or the one focused before) is the tab stop. */
    reset() {
      const buttons = all();
      if (buttons.length && !buttons.some((b) => b.tabIndex === 0)) buttons[0].tabIndex = 0;
    },
  };
}
