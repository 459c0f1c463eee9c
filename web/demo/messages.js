// Plain words for what went wrong. The error code and the technical message go in a details line,
// for whoever needs them; the sentence a person reads says what happened and what to do.
const PLAIN = {
  INVALID_IMAGE: 'this file is not a photo this page can read (damaged, or not an image)',
  UNSUPPORTED_FORMAT: 'this kind of image file cannot be read here',
  IMAGE_TOO_LARGE: 'this photo is too large to index here',
  NOT_FOUND: 'it could not be found',
  CORRUPT_DATA: 'the file is damaged or not a clipfind library',
  UNSUPPORTED_VERSION: 'the file was written by a newer clipfind',
  MODEL_MISMATCH: 'it was indexed with another model: pick that model first, or re-index the photos',
  NETWORK: 'the download did not finish: check the connection and try again',
  OUT_OF_MEMORY: 'the browser ran out of memory',
  BACKEND_UNAVAILABLE: 'this browser cannot run the model here',
  INVALID_MODEL: 'the model files are not usable',
  QUOTA: 'there is not enough room to keep it on this device',
  INVALID_PDF: 'this PDF is damaged or not a PDF',
  PDF_ENCRYPTED: 'this PDF is password-protected: save an unprotected copy to add it',
  PDF_TOO_MANY_PAGES: 'this PDF has more pages than are added from one file (the first pages were added)',
  PDF_PAGE: 'this page of the PDF could not be rendered',
  REMOTE_UNAUTHORIZED: 'Voyage AI refused the API key: check it',
  REMOTE_BAD_REQUEST: 'Voyage AI refused the request',
  REMOTE_RATE_LIMITED: 'Voyage AI is limiting requests: try again in a minute',
  REMOTE_UNAVAILABLE: 'Voyage AI did not answer properly: try again later',
  REMOTE_UNREACHABLE: 'Voyage AI could not be reached (no connection, or it does not accept requests from web pages: see the README)',
  INVALID_VIDEO: 'this video is damaged or not a video this page can read',
  UNSUPPORTED_VIDEO: 'this browser cannot decode this kind of video',
  EMPTY_VIDEO: 'this video is empty',
  NO_VIDEO_DECODER: 'this browser cannot decode videos (no WebCodecs)',
};

/** { text, details } for an error: plain words first, the code and raw message as details. */
export function explain(err) {
  const code = err?.code ?? '';
  const raw = String(err?.message ?? err ?? 'unknown error');
  return { text: PLAIN[code] ?? raw, details: code ? `${code}: ${raw}` : raw };
}

/** `n photo(s)`, in words. */
export const photos = (n) => `${n} photo${n === 1 ? '' : 's'}`;
