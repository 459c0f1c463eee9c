// Sounds in the demo: the built-in sound model (a CLAP model, loaded on first need) as the library's
// audio model, audio files as library items, their player on the cards, and the sample sounds.
import { Model } from '../index.js';
import { $, el } from './dom.js';
import { enqueue, runImport } from './importer.js';

export const AUDIO_RE = /\.(wav|flac|mp3|ogg|oga|opus|m4a)$/i;

let loading = null;

/** The built-in sound model (builtin:sound), or null where it cannot load (the photos work without it). */
export function soundModel() {
  loading ??= Model.load('builtin:sound').catch(() => {
    loading = null;
    return null;
  });
  return loading;
}

/** Library.create/open options that give the library its audio model. */
export async function audioOptions() {
  const audioModel = await soundModel();
  return audioModel ? { audioModel } : {};
}

/** A card's player for a sound item. */
export function audioPlayer(url, name) {
  return el('audio', { controls: true, preload: 'none', src: url, attrs: { 'aria-label': `Play ${name}` } });
}

/** The sample sounds (models/sound/gallery/): one generated sound of each kind the sound model knows. */
export function importSampleSounds() {
  return enqueue(8, async () => {
    const base = new URL('../../models/sound/gallery/', import.meta.url);
    const manifest = await (await fetch(new URL('manifest.json', base))).json();
    const items = await Promise.all(Object.keys(manifest).map(async (name) => ({
      id: `sample-sounds/${name}`,
      audio: new File([await (await fetch(new URL(name, base))).blob()], name, { type: 'audio/mpeg' }),
      meta: { addedAt: new Date().toISOString() },
    })));
    await runImport(items, []);
  });
}

export function wireSampleSounds() {
  $('sample-sounds')?.addEventListener('click', () => importSampleSounds());
}
