// What the model in use can be asked: for the built-in model, the words it was trained on (its scene
// generator, scripts/train-tiny/scenes.py) and example queries that find something in the sample
// gallery; for other models a general hint. Also the model's tokenizer, to say when a query is longer
// than the model reads.
import { Tokenizer } from '../index.js';
import { CACHE_NAME } from '../model_source.js';
import { $, el } from './dom.js';

// [text, words shown on wide screens only]
const TINY_HINT = [['The built-in model is tiny: it knows colours, shapes, sizes and positions'],
  [' (red, green, blue, yellow, orange, purple, black, white; circle, square, triangle, star, cross; small, large; left, right, top, bottom, center)', 'model-words'],
  [' — not cats or cars.'], [' Commas join terms, -word leaves a word out.', 'model-words']];
const TINY_EXAMPLES = ['blue square', 'black circle', 'large yellow star', 'green square on the left', 'purple star'];
const CLIP_HINT = [['Describe what you look for in a few words (“a dog on the beach”). Commas join terms, -word leaves a word out; paste or drop a photo to find similar ones.']];
const CLIP_EXAMPLES = ['a dog on the beach', 'sunset over the sea', 'a birthday cake'];

/** Shows the hint and example buttons for the model in use; `onExample(text)` runs one. */
export function showModelHint(builtin, onExample) {
  $('model-hint').replaceChildren(...(builtin ? TINY_HINT : CLIP_HINT).map(([text, className = '']) => el('span', { className, textContent: text })));
  $('search').placeholder = builtin ? 'Search your photos: blue square, large yellow star…' : 'Search your photos: a dog on the beach…';
  const box = $('examples');
  box.replaceChildren($('examples-label') ?? el('span', { id: 'examples-label', textContent: 'Try:' }));
  for (const q of builtin ? TINY_EXAMPLES : CLIP_EXAMPLES) {
    box.append(el('button', { type: 'button', className: 'example', textContent: q, onclick: () => onExample(q) }));
  }
  box.hidden = false;
}

/**
 * The tokenizer of a model loaded from a base URL (its files are in the Cache API after the load)
 * or from picked files; null when it cannot be read (then no "shortened" notice is given).
 */
export async function queryTokenizer(source) {
  try {
    let json = null;
    let config = '';
    if (typeof source === 'string') {
      const cache = await caches.open(CACHE_NAME);
      const read = async (f) => (await cache.match(new URL(f, new URL(source, location.href)).href))?.text();
      json = await read('tokenizer.json');
      config = (await read('tokenizer_config.json')) ?? '';
    } else if (Array.isArray(source)) {
      const find = (name) => source.find((f) => (f.webkitRelativePath || f.name).endsWith(`/${name}`) || f.name === name);
      json = await find('tokenizer.json')?.text();
      config = (await find('tokenizer_config.json')?.text()) ?? '';
    }
    return json ? await Tokenizer.fromFiles({ tokenizer: json, config }) : null;
  } catch {
    return null;
  }
}

/** The text terms longer than the model reads (its max length in tokens), or []. */
export function tooLong(tokenizer, texts) {
  if (!tokenizer?.info?.maxLength) return [];
  return texts.filter((t) => tokenizer.encode(t, { truncation: false }).length > tokenizer.info.maxLength);
}
