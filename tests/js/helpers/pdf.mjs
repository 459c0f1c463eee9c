// Minimal PDFs written byte by byte, deterministic (no dates, no ids): pages that show an 8-bit RGB
// PNG full-page (its zlib data embedded as is, with PNG predictors: no re-encoding) and, optionally,
// an invisible text layer (render mode 3, as OCR'd scans have) in Helvetica. Also the broken kinds a
// reader meets: encrypted, truncated, one damaged page, thousands of pages.

import { drawScene, UNRELATED_CAPTIONS } from './held_out_scenes.mjs';

/**
 * The test suite's scene PDF: four single-object scenes of four different colours and four different
 * shapes (the first such scenes of seed 1818: deterministic), one per page. Pages 1, 3 and 4 carry an
 * unrelated text layer (a scan's OCR); page 2 has none, so finding it is the rendered image's doing.
 * Returns { pdf, objects, query } (query: a text naming page 2's object).
 */
export function scenePdf() {
  const scenes = [];
  for (let i = 0; scenes.length < 4; i++) {
    const s = drawScene(i, 1818, { maxObjects: 1 });
    const [o] = s.objects;
    if (scenes.some((t) => t.objects[0].color === o.color || t.objects[0].shape === o.shape)) continue;
    scenes.push(s);
  }
  const pdf = makePdf(scenes.map((s, k) => ({ png: s.bytes, text: k === 1 ? undefined : UNRELATED_CAPTIONS[k] })));
  const objects = scenes.map((s) => s.objects[0]);
  return { pdf, objects, query: `a ${objects[1].color} ${objects[1].shape}` };
}

// A PNG's size and its concatenated IDAT data (non-interlaced 8-bit RGB, as the scene helpers write).
function pngParts(png) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0, height = 0;
  const idat = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (data[8] !== 8 || data[9] !== 2 || data[12] !== 0) throw new Error('pdf helper: only 8-bit RGB non-interlaced PNGs');
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  return { width, height, data: Buffer.concat(idat) };
}

const esc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);

/**
 * pages: [{ png?: Uint8Array, text?: string, size?: [w, h] (points; default the PNG's pixels), content?: string (raw),
 *   broken?: true (the page object is a string, not a dictionary) }].
 * options: { encrypt?: true } adds a Standard security handler whose empty user password fails.
 */
export function makePdf(pages, { encrypt = false } = {}) {
  const objects = []; // [number, body (Buffer)]
  const add = (body) => { objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')); return objects.length; };
  const catalog = add(''); // filled below
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids = [];
  for (const p of pages) {
    const resources = [`/Font << /F1 ${font} 0 R >>`];
    let ops = '';
    let [w, h] = p.size ?? [0, 0];
    if (p.png) {
      const img = pngParts(p.png);
      if (!p.size) [w, h] = [img.width, img.height];
      const head = `<< /Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns ${img.width} >> /Length ${img.data.length} >>\nstream\n`;
      const im = add(Buffer.concat([Buffer.from(head, 'latin1'), img.data, Buffer.from('\nendstream', 'latin1')]));
      resources.push(`/XObject << /Im0 ${im} 0 R >>`);
      ops += `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n`;
    }
    if (p.text) ops += `BT 3 Tr /F1 10 Tf 4 4 Td (${esc(p.text)}) Tj ET\n`;
    if (p.content !== undefined) ops = p.content;
    const content = add(`<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`);
    if (p.broken) { kids.push(add('(not a page)')); continue; }
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${w || 612} ${h || 792}] /Resources << ${resources.join(' ')} >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObj} 0 R >>`, 'latin1');
  objects[pagesObj - 1] = Buffer.from(`<< /Type /Pages /Count ${kids.length} /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] >>`, 'latin1');
  let encryptRef = '';
  if (encrypt) {
    const o = '<' + 'a5'.repeat(32) + '>', u = '<' + '5a'.repeat(32) + '>';
    encryptRef = ` /Encrypt ${add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O ${o} /U ${u} >>`)} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]`;
  }
  const parts = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encryptRef} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}
