// The opt-in to Voyage multimodal-3, the one model that sends a person's data off the device: a dialog
// that says what is sent where, takes the API key (kept in memory for this tab unless "remember" is
// ticked), and refuses to go on when this page's Content-Security-Policy does not allow the origin
// (the demo is served without it unless CLIPFIND_REMOTE_HOST names it: scripts/serve.mjs). Nothing is
// sent before "Send to Voyage AI" is pressed; a reload never reconnects by itself.
import { $ } from './dom.js';

const KEY_STORE = 'clipfind-voyage-key';
export const VOYAGE_DEFAULT = 'https://api.voyageai.com';

function rememberedKey() {
  try {
    return localStorage.getItem(KEY_STORE) ?? '';
  } catch {
    return '';
  }
}

function remember(key) {
  try {
    if (key) localStorage.setItem(KEY_STORE, key);
    else localStorage.removeItem(KEY_STORE);
  } catch {
    // storage disabled: the key stays in memory only
  }
}

// Whether this page's policy lets it connect to `origin` (the meta tag is the page's only policy).
function cspAllows(origin) {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '';
  const connect = /(?:^|;)\s*connect-src([^;]*)/.exec(meta)?.[1].trim().split(/\s+/) ?? [];
  return connect.includes(origin) || connect.includes(`${origin}/`);
}

function originOf(url) {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Shows the consent dialog; resolves { apiKey, baseUrl } when the person agrees, null when not.
 */
export function askVoyageConsent() {
  const dialog = $('voyage-consent');
  $('voyage-key').value = rememberedKey();
  $('voyage-remember').checked = Boolean($('voyage-key').value);
  if (!$('voyage-endpoint').value) $('voyage-endpoint').value = VOYAGE_DEFAULT;
  const check = () => {
    const origin = originOf($('voyage-endpoint').value.trim());
    $('voyage-where').textContent = origin ?? '(not a web address)';
    const allowed = origin && cspAllows(origin);
    $('voyage-csp').hidden = !origin || allowed;
    $('voyage-csp-origin').textContent = origin ?? '';
    $('voyage-send').disabled = !allowed || !$('voyage-key').value.trim();
  };
  check();
  return new Promise((resolve) => {
    const done = (value) => {
      $('voyage-endpoint').oninput = null;
      $('voyage-key').oninput = null;
      $('voyage-send').onclick = null;
      $('voyage-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    $('voyage-endpoint').oninput = check;
    $('voyage-key').oninput = check;
    $('voyage-cancel').onclick = () => done(null);
    dialog.onclose = () => done(null);
    $('voyage-send').onclick = () => {
      const apiKey = $('voyage-key').value.trim();
      remember($('voyage-remember').checked ? apiKey : '');
      const baseUrl = originOf($('voyage-endpoint').value.trim());
      $('voyage-key').value = ''; // the field does not keep it; the model object does, in memory
      done({ apiKey, baseUrl });
    };
    dialog.showModal();
    $('voyage-key').focus();
  });
}

/** The persistent "remote model" badge (and the tagline) for the model in use. */
export function showRemoteBadge(info) {
  const remote = info?.remote;
  $('remote-badge').hidden = !remote;
  $('remote-badge-origin').textContent = remote ? new URL(remote.origin).host : '';
  $('tagline').textContent = remote
    ? `Search your own photos by words or by example. With the remote model, your photos, captions and searches are sent to Voyage AI (${new URL(remote.origin).host}).`
    : 'Search your own photos by words or by example. Everything runs on this device; nothing is uploaded.';
}
