// Query terms: text, an image, or an existing item ("more like this"), each with a weight; a negative
// weight subtracts (rclip-style arithmetic).
import { InvalidInputError } from './errors.js';

/**
 * One CLI-style term: `-` prefix negates, `N:` weights, `image:PATH` / `id:ITEM` select the kind.
 * @returns {{kind: 'text'|'image'|'id', value: string, weight: number}}
 */
export function parseTerm(raw) {
  let s = String(raw);
  let sign = 1;
  if (s.startsWith('-') && s.length > 1) {
    sign = -1;
    s = s.slice(1);
  }
  let weight = 1;
  const m = /^(\d+(?:\.\d+)?):(.+)$/s.exec(s);
  if (m) {
    weight = Number(m[1]);
    s = m[2];
  }
  if (s.startsWith('image:')) return { kind: 'image', value: s.slice(6), weight: sign * weight };
  if (s.startsWith('id:')) return { kind: 'id', value: s.slice(3), weight: sign * weight };
  if (!s.trim()) throw new InvalidInputError('INVALID_ARGUMENT', `empty query term '${raw}'`);
  return { kind: 'text', value: s, weight: sign * weight };
}

/**
 * A query line as typed in the demo: terms separated by commas; inside a term, words starting with
 * `-` split off as negative terms. `red car -night, 2:beach` = red car + 2×beach − night.
 */
export function parseQuery(line) {
  const terms = [];
  for (const part of String(line).split(',')) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    let current = [];
    const flush = () => {
      if (current.length) terms.push(parseTerm(current.join(' ')));
      current = [];
    };
    for (const w of words) {
      if (w.startsWith('-') && w.length > 1) {
        flush();
        terms.push(parseTerm(w));
      } else {
        current.push(w);
      }
    }
    flush();
  }
  return terms;
}
