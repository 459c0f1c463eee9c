// Bytes as the API takes them (Uint8Array, any typed array or DataView, ArrayBuffer, Blob/File) in one
// shape: a Uint8Array over the same memory, without a copy where there is one already.
import { InvalidInputError } from './errors.js';

/** A Uint8Array view of bytes held in memory; null for anything else (a Blob, a string). */
export function viewBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return null;
}

/** The Uint8Arrays (or other byte views) in `parts`, one after another, in one new Uint8Array. */
export function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The bytes of `input`, reading a Blob; InvalidInputError naming `what` for anything else. */
export async function toBytes(input, what) {
  const view = viewBytes(input);
  if (view) return view;
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new InvalidInputError('INVALID_ARGUMENT', `${what}: expected bytes (Uint8Array, ArrayBuffer or Blob)`);
}
