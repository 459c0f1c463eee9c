// A deterministic tokenizer test corpus (>= 5,000 inputs): prose, CLIP's prompt texts (tests/fixtures/clip-bpe),
//, many scripts, NFD/NFKD forms, emoji sequences, odd whitespace, contractions,
// digits, punctuation runs, HTML entities, empty and very long inputs, special-token strings.
import { existsSync, readFileSync } from 'node:fs';
import { rng } from './vectors.mjs';

// Reference data (real CLIP tokenizer, OpenAI's prompts, EXIF photos) lives in tests/fixtures/ with its
// licenses, so a clone with nothing beside it runs every parity test.
export const fixturesDir = new URL('../../fixtures/', import.meta.url).pathname;

const prose = [
  'a photo of a cat', 'A PHOTO OF A DOG sitting on the grass.', 'The quick brown fox jumps over the lazy dog',
  'two people walking on a beach at sunset', 'a close-up of a red rose with water drops', 'my grandmother\'s kitchen, 1987',
  'Snow-covered mountains under a clear blue sky', 'birthday party — kids, balloons & cake!', 'Eiffel Tower at night (Paris, France)',
  'a small red circle on the left', 'a photo of a large blue star at the top', 'green triangle', 'receipt from the café on 5th Ave.',
  'screenshot of an error: "ENOENT: no such file or directory"', 'IMG_20240101_123456.jpg', 'Dr. Smith\'s office @ 9:30am',
  'We\'re going to the zoo tomorrow; they\'ll meet us there.', 'It\'s 3.14159 — roughly π', 'e-mail: someone@example.com',
  'https://example.com/photos?id=42&size=large', 'C++ / Rust / TypeScript', 'naïve café résumé coöperate', 'rock\'n\'roll',
  'ALL CAPS SHOUTING!!!', 'mIxEd CaSe WoRdS', 'tabs\tand\nnewlines\r\nand  double  spaces', '   leading and trailing   ',
];

const words = ['photo', 'dog', 'cat', 'beach', 'sunset', 'city', 'night', 'red', 'blue', 'car', 'tree', 'mountain', 'river',
  'family', 'birthday', 'wedding', 'snow', 'winter', 'summer', 'portrait', 'landscape', 'food', 'pizza', 'coffee', 'book',
  'the', 'a', 'of', 'in', 'on', 'with', 'and', 'at', 'my', 'our', 'small', 'large', 'old', 'new', 'happy', 'blurry'];

// [name, first, last] code point ranges of letters/marks/digits in many scripts
const scripts = [
  ['Latin-1', 0xc0, 0xff], ['Latin Ext-A', 0x100, 0x17f], ['Latin Ext-B', 0x180, 0x24f], ['IPA', 0x250, 0x2af],
  ['Greek', 0x370, 0x3ff], ['Cyrillic', 0x400, 0x4ff], ['Armenian', 0x531, 0x58a], ['Hebrew', 0x591, 0x5f4],
  ['Arabic', 0x600, 0x6ff], ['Syriac', 0x710, 0x74a], ['Thaana', 0x780, 0x7b1], ['Devanagari', 0x900, 0x97f],
  ['Bengali', 0x980, 0x9fe], ['Gurmukhi', 0xa01, 0xa76], ['Gujarati', 0xa81, 0xaff], ['Oriya', 0xb01, 0xb77],
  ['Tamil', 0xb82, 0xbfa], ['Telugu', 0xc00, 0xc7f], ['Kannada', 0xc80, 0xcf3], ['Malayalam', 0xd00, 0xd7f],
  ['Sinhala', 0xd81, 0xdf4], ['Thai', 0xe01, 0xe5b], ['Lao', 0xe81, 0xedf], ['Tibetan', 0xf00, 0xfda],
  ['Myanmar', 0x1000, 0x109f], ['Georgian', 0x10a0, 0x10ff], ['Hangul Jamo', 0x1100, 0x11ff], ['Ethiopic', 0x1200, 0x137c],
  ['Cherokee', 0x13a0, 0x13fd], ['Canadian Syllabics', 0x1400, 0x167f], ['Ogham', 0x1680, 0x169c], ['Runic', 0x16a0, 0x16f8],
  ['Khmer', 0x1780, 0x17f9], ['Mongolian', 0x1800, 0x18aa], ['Latin Ext Additional', 0x1e00, 0x1eff], ['Greek Ext', 0x1f00, 0x1ffe],
  ['Letterlike', 0x2100, 0x214f], ['Number Forms', 0x2150, 0x218b], ['Enclosed', 0x2460, 0x24ff], ['Hiragana', 0x3041, 0x309f],
  ['Katakana', 0x30a0, 0x30ff], ['Bopomofo', 0x3105, 0x312f], ['CJK Compat', 0x3300, 0x33ff], ['CJK', 0x4e00, 0x9fff],
  ['Yi', 0xa000, 0xa48c], ['Hangul', 0xac00, 0xd7a3], ['CJK Compat Ideographs', 0xf900, 0xfad9], ['Alphabetic PF', 0xfb00, 0xfb4f],
  ['Arabic PF-A', 0xfb50, 0xfdff], ['Halfwidth/Fullwidth', 0xff01, 0xffee], ['Gothic', 0x10330, 0x1034a], ['Deseret', 0x10400, 0x1044f],
  ['Cuneiform', 0x12000, 0x12399], ['Egyptian', 0x13000, 0x1342e], ['Math Alphanumeric', 0x1d400, 0x1d7ff], ['CJK Ext B', 0x20000, 0x2a6df],
  ['Combining marks', 0x300, 0x36f], ['Superscripts', 0x2070, 0x209c], ['Arrows/Math', 0x2190, 0x22ff], ['Box/Blocks', 0x2500, 0x25ff],
];

const whitespace = ['\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u2003', '\u2007', '\u200a', '\u2028',
  '\u2029', '\u202f', '\u205f', '\u3000', '\u0085', '\ufeff', '\u200b', '\u200c', '\u200d', '\u180e'];
const emoji = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇯🇵', '🇺🇸', '❤️', '🧑🏿‍🚀', '👩‍❤️‍💋‍👨', '#️⃣', '🐕‍🦺', '🫠', '☕', '✈️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];
const contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];
const punct = ['!', '?', '.', ',', ';', ':', '...', '!!!', '?!', '--', '—', '–', '(', ')', '[', ']', '{', '}', '"', '“', '”', '‘', '’',
  '«', '»', '/', '\\', '|', '@', '#', '$', '%', '^', '&', '*', '_', '+', '=', '<', '>', '~', '`', '¿', '¡', '。', '、', '・'];
const entities = ['&amp;', '&lt;b&gt;', '&quot;hi&quot;', '&#39;', '&#x1F600;', '&nbsp;', '<br/>', '<div class="x">', '&copy; 2024'];
const specials = ['<|startoftext|>', '<|endoftext|>', '<|startoftext|>a photo<|endoftext|>', 'x<|endoftext|>y',
  '<|endoftext|><|endoftext|>', ' <|startoftext|> ', '<|startoftext', 'endoftext|>', '<|STARTOFTEXT|>', '<|EndOfText|>'];

export function buildCorpus({ minSize = 5000, seed = 1234 } = {}) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  // Random code points are drawn among those our UCD assigns (when it is installed), so the corpus
  // tests tokenization rather than the Unicode version of the JS engine.
  const assigned = ucdAssignedSet();
  const codePoint = (a, b) => {
    for (let tries = 0; ; tries++) {
      const c = a + Math.floor(r() * (b - a + 1));
      if (!assigned || assigned.has(c) || tries > 50) return String.fromCodePoint(c);
    }
  };
  const out = [];
  const add = (s) => out.push(s);

  prose.forEach(add);
  specials.forEach(add);
  entities.forEach(add);
  add('');
  add(' ');
  add('\n');

  // Read unconditionally: the corpus (and the SentencePiece models trained on it) must be the same on
  // every clone, so a missing fixture is an error, never a smaller corpus.
  for (const line of readFileSync(`${fixturesDir}clip-bpe/prompts.md`, 'utf8').split('\n')) if (line.trim()) add(line);
  for (const [, a, b] of scripts) {
    for (let k = 0; k < 12; k++) {
      let s = '';
      const n = 1 + Math.floor(r() * 12);
      for (let i = 0; i < n; i++) {
        s += codePoint(a, b);
        if (r() < 0.2) s += ' ';
      }
      add(s);
    }
  }
  for (const p of prose) {
    add(p.normalize('NFD'));
    add(p.normalize('NFKD'));
  }
  for (const w of ['Ångström', 'Việt Nam', 'Ελληνικά', 'ﬁancée', '①②③', 'Ⅻ', 'ｆｕｌｌｗｉｄｔｈ', '한국어', 'ﾊﾝｶｸ', 'x²+y³', 'ǅemal']) {
    for (const f of ['NFC', 'NFD', 'NFKC', 'NFKD']) add(w.normalize(f));
  }
  for (const e of emoji) {
    add(e);
    add(`${pick(words)} ${e} ${pick(words)}`);
    add(`${e}${e}${pick(words)}`);
  }
  for (const ws of whitespace) {
    add(`${pick(words)}${ws}${pick(words)}`);
    add(`${ws}${pick(words)}${ws}${ws}`);
  }
  for (const c of contractions) {
    for (const form of [c, c.toUpperCase(), c[0] + c[1].toUpperCase() + c.slice(2), c.replace("'", '’')]) {
      add(`${pick(words)}${form} ${pick(words)}`);
      add(`I${form}`);
    }
  }
  add('a'.repeat(2000));
  add(('photo of a dog ').repeat(134).slice(0, 2000));
  add(Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(''));
  add('1234567890'.repeat(200));
  add('!?'.repeat(1000));

  // fill to minSize with random mixtures of everything above
  while (out.length < minSize) {
    const parts = [];
    const n = 1 + Math.floor(r() * 10);
    for (let i = 0; i < n; i++) {
      const kind = r();
      if (kind < 0.35) parts.push(pick(words)[r() < 0.2 ? 'toUpperCase' : 'toString']());
      else if (kind < 0.45) parts.push(String(Math.floor(r() * 100000)));
      else if (kind < 0.55) parts.push(pick(punct).repeat(1 + Math.floor(r() * 3)));
      else if (kind < 0.62) parts.push(pick(emoji));
      else if (kind < 0.67) parts.push(pick(contractions));
      else if (kind < 0.72) parts.push(pick(entities));
      else if (kind < 0.75) parts.push(pick(specials));
      else {
        const [, a, b] = pick(scripts);
        let s = '';
        for (let j = 0, m = 1 + Math.floor(r() * 6); j < m; j++) s += codePoint(a, b);
        parts.push(s);
      }
      parts.push(r() < 0.8 ? ' ' : r() < 0.5 ? '' : pick(whitespace));
    }
    add(parts.join(''));
  }
  return out;
}

// Code points assigned in the UCD our tables come from (Debian's unicode-data). JS engines may ship a
// newer Unicode; a code point it knows and we do not is a version difference, not a tokenizer bug.
// Caption-like English sentences (for training subword models; no external data needed).
export function trainingSentences(n, seed = 77) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const out = [];
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(r() * 9);
    const ws = [];
    for (let j = 0; j < len; j++) ws.push(r() < 0.05 ? String(Math.floor(r() * 1000)) : pick(words));
    let s = ws.join(' ');
    if (r() < 0.3) s = s[0].toUpperCase() + s.slice(1);
    out.push(s + pick(['', '', '.', '!', '?', ',']));
  }
  return out;
}

let assignedCache;
export function ucdAssignedSet(file = '/usr/share/unicode/UnicodeData.txt') {
  if (assignedCache !== undefined) return assignedCache;
  if (!existsSync(file)) return (assignedCache = null);
  const assigned = new Set();
  let first = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [hex, name] = line.split(';');
    const cp = parseInt(hex, 16);
    if (name.endsWith(', First>')) first = cp;
    else if (name.endsWith(', Last>')) for (let c = first; c <= cp; c++) assigned.add(c);
    else assigned.add(cp);
  }
  return (assignedCache = assigned);
}

export function ucdAssigned() {
  const assigned = ucdAssignedSet();
  if (!assigned) return () => true;
  return (text) => {
    for (const ch of text) if (!assigned.has(ch.codePointAt(0))) return false;
    return true;
  };
}
