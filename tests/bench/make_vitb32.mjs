// A ViT-B/32-shaped CLIP with random weights (vision 12 x 768, 12 heads, patch 32; text 12 x 512,
// 8 heads, 49408 tokens; 512-d embeddings) in the Hugging Face ONNX layout, for `npm run bench`:
// onnx/{vision,text}_model.onnx (fp32) and onnx/{vision,text}_model_quantized.onnx (q8), the latter
// laid out as onnxruntime's quantize_dynamic writes them (the catalog's `_quantized` files): every
// MatMul with a constant weight becomes DynamicQuantizeLinear -> MatMulInteger (uint8 weights, one
// scale and zero point per tensor) -> Cast -> Mul. Not committed: made at bench time (about 30 s).
//   node tests/bench/make_vitb32.mjs OUT_DIR
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Graph } from './onnx_writer.mjs';

// Deterministic normal(0, std) weights (mulberry32 + Box-Muller).
function rng(seed) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n, std) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(u() + 1e-12)) * std;
      const th = 2 * Math.PI * u();
      out[i] = r * Math.cos(th);
      if (i + 1 < n) out[i + 1] = r * Math.sin(th);
    }
    return out;
  };
}

const i64 = (...v) => BigInt64Array.from(v.map(BigInt));

class Builder extends Graph {
  constructor(seed, quantized) {
    super();
    this.randn = rng(seed);
    this.quantized = quantized;
    this.dql = new Map(); // input name -> its DynamicQuantizeLinear outputs (shared by q, k and v)
  }
  weight(dims, std = 0.02) { return this.init('w', dims, 'float32', this.randn(dims.reduce((a, b) => a * b), std)); }
  const(dims, type, data) { return this.init('c', dims, type, data); }
  ones(n) { return this.init('one', [n], 'float32', new Float32Array(n).fill(1)); }
  zeros(n) { return this.init('zero', [n], 'float32', new Float32Array(n)); }

  matmulConst(x, k, n) {
    const w = this.randn(k * n, 0.02);
    if (!this.quantized) return this.op('MatMul', [x, this.init('w', [k, n], 'float32', w)]);
    let lo = 0;
    let hi = 0;
    for (const v of w) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = (hi - lo) / 255 || 1;
    const zp = Math.round(-lo / scale);
    const q = new Uint8Array(w.length);
    for (let i = 0; i < w.length; i++) q[i] = Math.min(255, Math.max(0, Math.round(w[i] / scale) + zp));
    if (!this.dql.has(x)) this.dql.set(x, this.op('DynamicQuantizeLinear', [x], {}, 3));
    const [xq, xs, xzp] = this.dql.get(x);
    const wq = this.init('wq', [k, n], 'uint8', q);
    const wzp = this.const([], 'uint8', Uint8Array.of(zp));
    const ws = this.const([], 'float32', Float32Array.of(scale));
    const acc = this.op('Cast', [this.op('MatMulInteger', [xq, wq, xzp, wzp])], { to: 1 });
    return this.op('Mul', [acc, this.op('Mul', [xs, ws])]);
  }
  linear(x, k, n, bias = true) {
    const y = this.matmulConst(x, k, n);
    return bias ? this.op('Add', [y, this.init('b', [n], 'float32', this.randn(n, 0.02))]) : y;
  }
  layerNorm(x, w) { return this.op('LayerNormalization', [x, this.ones(w), this.zeros(w)], { axis: -1, epsilon: { f: 1e-5 } }); }

  // Pre-LN transformer block with quick-GELU MLP, as CLIP's.
  block(x, w, heads, mask) {
    const hd = w / heads;
    const h = this.layerNorm(x, w);
    const split = (t, perm) => this.op('Transpose', [this.op('Reshape', [t, this.const([4], 'int64', i64(0, 0, heads, hd))])], { perm });
    const q = split(this.linear(h, w, w), [0, 2, 1, 3]);
    const k = split(this.linear(h, w, w), [0, 2, 3, 1]);
    const v = split(this.linear(h, w, w), [0, 2, 1, 3]);
    let s = this.op('Mul', [this.op('MatMul', [q, k]), this.const([], 'float32', Float32Array.of(1 / Math.sqrt(hd)))]);
    if (mask) s = this.op('Add', [s, mask]);
    const a = this.op('MatMul', [this.op('Softmax', [s], { axis: -1 }), v]);
    const merged = this.op('Reshape', [this.op('Transpose', [a], { perm: [0, 2, 1, 3] }), this.const([3], 'int64', i64(0, 0, w))]);
    x = this.op('Add', [x, this.linear(merged, w, w)]);
    const m = this.linear(this.layerNorm(x, w), w, 4 * w);
    const g = this.op('Mul', [m, this.op('Sigmoid', [this.op('Mul', [m, this.const([], 'float32', Float32Array.of(1.702))])])]);
    return this.op('Add', [x, this.linear(g, 4 * w, w)]);
  }
}

function vision(quantized) {
  const g = new Builder(1, quantized);
  const W = 768;
  g.inputs.push({ name: 'pixel_values', type: 'float32', shape: ['batch', 3, 224, 224] });
  const patches = g.op('Conv', ['pixel_values', g.weight([W, 3, 32, 32])], { strides: [32, 32], kernel_shape: [32, 32] });
  const seq = g.op('Transpose', [g.op('Reshape', [patches, g.const([3], 'int64', i64(0, W, -1))])], { perm: [0, 2, 1] });
  // The class token, one per image: Expand to [batch, 1, W].
  const batch = g.op('Slice', [g.op('Shape', ['pixel_values']), g.const([1], 'int64', i64(0)), g.const([1], 'int64', i64(1))]);
  const clsShape = g.op('Concat', [batch, g.const([2], 'int64', i64(1, W))], { axis: 0 });
  const cls = g.op('Expand', [g.weight([1, 1, W]), clsShape]);
  let x = g.op('Add', [g.op('Concat', [cls, seq], { axis: 1 }), g.weight([1, 50, W])]);
  x = g.layerNorm(x, W);
  for (let i = 0; i < 12; i++) x = g.block(x, W, 12, null);
  const pooled = g.layerNorm(g.op('Gather', [x, g.const([], 'int64', i64(0))], { axis: 1 }), W);
  const out = g.linear(pooled, W, 512, false);
  g.nodes.push({ type: 'Identity', inputs: [out], outputs: ['image_embeds'], attrs: {}, name: 'image_embeds' });
  g.outputs.push({ name: 'image_embeds', type: 'float32', shape: ['batch', 512] });
  return g.encode('clipfind bench');
}

function text(quantized) {
  const g = new Builder(2, quantized);
  const W = 512;
  const V = 49408;
  g.inputs.push({ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] });
  const T = g.op('Slice', [g.op('Shape', ['input_ids']), g.const([1], 'int64', i64(1)), g.const([1], 'int64', i64(2))]);
  const tokens = g.op('Gather', [g.weight([V, W]), 'input_ids'], { axis: 0 });
  const pos = g.op('Slice', [g.weight([77, W], 0.01), g.const([1], 'int64', i64(0)), T, g.const([1], 'int64', i64(0))]);
  let x = g.op('Add', [tokens, pos]);
  const causal = new Float32Array(77 * 77);
  for (let i = 0; i < 77; i++) for (let j = i + 1; j < 77; j++) causal[i * 77 + j] = -1e9;
  const TT = g.op('Concat', [T, T], { axis: 0 });
  const mask = g.op('Slice', [g.const([77, 77], 'float32', causal), g.const([2], 'int64', i64(0, 0)), TT, g.const([2], 'int64', i64(0, 1))]);
  for (let i = 0; i < 12; i++) x = g.block(x, W, 8, mask);
  x = g.layerNorm(x, W);
  // The end-of-text token has the highest id (49407): pool there, as CLIP does.
  const eot = g.op('ArgMax', [g.op('Cast', ['input_ids'], { to: 6 })], { axis: -1, keepdims: 1 });
  const pooled = g.op('GatherND', [x, eot], { batch_dims: 1 });
  const out = g.linear(pooled, W, 512, false);
  g.nodes.push({ type: 'Identity', inputs: [out], outputs: ['text_embeds'], attrs: {}, name: 'text_embeds' });
  g.outputs.push({ name: 'text_embeds', type: 'float32', shape: ['batch', 512] });
  return g.encode('clipfind bench');
}

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/bench/make_vitb32.mjs OUT_DIR');
const fixtures = new URL('../fixtures/clip-vit-base-patch32/', import.meta.url).pathname;
mkdirSync(`${out}/onnx`, { recursive: true });
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(`${fixtures}${f}`, `${out}/${f}`);
writeFileSync(`${out}/config.json`, JSON.stringify({
  model_type: 'clip', _name_or_path: 'bench/vit-b32-random', projection_dim: 512, logit_scale: 4.6052,
  text_config: { hidden_size: 512, num_hidden_layers: 12, num_attention_heads: 8, max_position_embeddings: 77, vocab_size: 49408, eos_token_id: 49407, projection_dim: 512 },
  vision_config: { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 32, projection_dim: 512 },
}, null, 2));
writeFileSync(`${out}/preprocessor_config.json`, JSON.stringify({
  image_processor_type: 'CLIPImageProcessor', do_resize: true, size: { shortest_edge: 224 }, do_center_crop: true,
  crop_size: { height: 224, width: 224 }, resample: 3, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
}, null, 2));
for (const q of [false, true]) {
  const sfx = q ? '_quantized' : '';
  writeFileSync(`${out}/onnx/vision_model${sfx}.onnx`, vision(q));
  writeFileSync(`${out}/onnx/text_model${sfx}.onnx`, text(q));
}
console.log('ok');
