// CLAP in headless Chromium: the page decodes WAV and MP3 with decodeAudioData, the worker's model
// embeds them; the WAVs match the PyTorch reference within 1e-4, a file that does not decode is a typed
// error naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserSkipReason, withBrowser } from './helpers/browser.mjs';

const skip = browserSkipReason();
const ref = JSON.parse(readFileSync(new URL('../fixtures/models/clap/reference.json', import.meta.url), 'utf8'));

test('Chromium: embedAudio decodes in the page and matches the PyTorch reference', { skip, timeout: 120000 }, async () => {
  await withBrowser(async ({ page, origin }) => {
    await page.goto(`${origin}/tests/browser/audio.html`);
    await page.waitForFunction(() => window.ready === true);
    const urls = [...ref.sounds.map((s) => `/tests/fixtures/models/clap/${s.file}`), '/models/sound/gallery/chord.mp3'];
    const r = await page.evaluate(([u, t]) => window.runAudio(u, t), [urls, ref.texts.map((t) => t.text)]);
    const dim = r.info.dim;
    assert.equal(r.info.family, 'clap');
    let worst = 0;
    ref.sounds.forEach((s, i) => s.embedding.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - r.audio[i * dim + j])); }));
    let worstText = 0;
    ref.texts.forEach((t, i) => t.embedding.forEach((v, j) => { worstText = Math.max(worstText, Math.abs(v - r.texts[i * dim + j])); }));
    console.log(`# Chromium: audio max abs ${worst.toExponential(2)}, text max abs ${worstText.toExponential(2)}`);
    assert.ok(worst <= 1e-4, `audio ${worst}`);
    assert.ok(worstText <= 1e-4, `text ${worstText}`);
    const mp3 = r.audio.slice(ref.sounds.length * dim);
    assert.ok(Math.abs(Math.hypot(...mp3) - 1) < 1e-4, 'the MP3 decodes and embeds');
    assert.equal(r.error?.code, 'INVALID_AUDIO');
    assert.equal(r.error?.name, 'InvalidInputError');
    assert.match(r.error.message, /^garbage\.mp3: /);
  });
});
