// A handful of plain shape photos (one shape each, PIL-drawn, deterministic) that the built-in model
// knows: what a consumer test indexes and searches. Returns [{file, color, shape}].
import { execFileSync } from 'node:child_process';
import { python } from './pil.mjs';

export const SHAPES = [
  ['red', 'circle'], ['blue', 'square'], ['green', 'triangle'], ['blue', 'circle'], ['red', 'square'], ['yellow', 'triangle'],
];

export function drawShapes(dir) {
  execFileSync(python, ['-c', `
import sys
from PIL import Image, ImageDraw
rgb = {'red': (220, 30, 30), 'blue': (30, 60, 220), 'green': (30, 170, 50), 'yellow': (240, 210, 20)}
for i, spec in enumerate(sys.argv[2:]):
    color, shape = spec.split('-')
    im = Image.new('RGB', (256, 256), (235, 235, 230))
    d = ImageDraw.Draw(im)
    box = (64, 64, 192, 192)
    if shape == 'circle': d.ellipse(box, fill=rgb[color])
    elif shape == 'square': d.rectangle(box, fill=rgb[color])
    else: d.polygon([(128, 56), (200, 196), (56, 196)], fill=rgb[color])
    im.save('%s/%s-%s.png' % (sys.argv[1], color, shape))
`, dir, ...SHAPES.map(([c, s]) => `${c}-${s}`)]);
  return SHAPES.map(([color, shape]) => ({ file: `${color}-${shape}.png`, color, shape }));
}
