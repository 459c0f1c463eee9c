// Adds the demo's sample videos to the sample gallery: two short WebM (VP9) videos of the built-in
// model's scenes, drawn frame by frame (tests/js/helpers/video_scenes.mjs, the test videos' drawing)
// and encoded by ffmpeg; listed under "videos" in manifest.json. Deterministic.
//   node scripts/train-tiny/gallery_videos.mjs [GALLERY_DIR]
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_SCENES, makeVideo } from '../../tests/js/helpers/video_scenes.mjs';

const out = process.argv[2] ?? new URL('../../models/tiny/gallery/', import.meta.url).pathname;
const videos = {
  'video-shapes.webm': KNOWN_SCENES, // red circle 0–3 s, blue square 3–6 s, green triangle 6–9 s
  'video-colors.webm': [
    { color: 'yellow', shape: 'cross', seconds: 3, background: [90, 110, 140] },
    { color: 'purple', shape: 'circle', seconds: 3, background: [225, 225, 200] },
    { color: 'orange', shape: 'square', seconds: 3, background: [60, 70, 60] },
  ],
};
for (const [name, scenes] of Object.entries(videos)) makeVideo(path.join(out, name), scenes, { codec: 'vp9' });
const manifestFile = path.join(out, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
manifest.videos = Object.keys(videos);
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 1)}\n`);
console.log(Object.keys(videos).map((n) => `${n}: ${statSync(path.join(out, n)).size} bytes`).join(', '));
