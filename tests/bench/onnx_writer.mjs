// A small ONNX graph builder and protobuf writer: enough to write a ViT/CLIP-shaped model with random
// weights for `npm run bench` without Python packages (the model is made at bench time, not committed).
// Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ...).

const DTYPES = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 };

class Writer {
  parts = [];
  length = 0;
  #push(bytes) {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  varint(v) {
    let n = BigInt.asUintN(64, BigInt(v));
    const out = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    this.#push(Uint8Array.from(out));
  }
  tag(field, wire) { this.varint((field << 3) | wire); }
  int(field, v) {
    this.tag(field, 0);
    this.varint(v);
  }
  float(field, v) {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#push(b);
  }
  bytes(field, bytes) {
    this.tag(field, 2);
    this.varint(bytes.length);
    this.#push(bytes);
  }
  string(field, s) { this.bytes(field, new TextEncoder().encode(s)); }
  message(field, fn) {
    const w = new Writer();
    fn(w);
    this.tag(field, 2);
    this.varint(w.length);
    for (const p of w.parts) this.#push(p);
  }
  concat() {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

function writeTensor(w, { name, dims, type, data }) {
  for (const d of dims) w.int(1, d);
  w.int(2, DTYPES[type]);
  w.string(8, name);
  w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function writeAttribute(w, name, v) {
  w.string(1, name);
  if (v && typeof v.f === 'number') {
    w.float(2, v.f);
    w.int(20, 1);
  } else if (typeof v === 'number' || typeof v === 'bigint') {
    w.int(3, v);
    w.int(20, 2);
  } else if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    w.int(20, 7);
  } else if (v && v.tensor) {
    w.message(5, (t) => writeTensor(t, v.tensor));
    w.int(20, 4);
  } else throw new Error(`attribute ${name}: unsupported value`);
}

function writeValueInfo(w, { name, type, shape }) {
  w.string(1, name);
  w.message(2, (t) => t.message(1, (tt) => {
    tt.int(1, DTYPES[type]);
    tt.message(2, (s) => {
      for (const d of shape) s.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
    });
  }));
}

/** Builds a graph node by node; `op` returns the output names. */
export class Graph {
  nodes = [];
  inits = [];
  inputs = [];
  outputs = [];
  #n = 0;

  name(prefix) { return `${prefix}_${this.#n++}`; }

  init(prefix, dims, type, data) {
    const name = this.name(prefix);
    this.inits.push({ name, dims, type, data });
    return name;
  }

  op(type, inputs, attrs = {}, nOut = 1) {
    const outs = Array.from({ length: nOut }, () => this.name(type));
    this.nodes.push({ type, inputs, outputs: outs, attrs, name: this.name(`n_${type}`) });
    return nOut === 1 ? outs[0] : outs;
  }

  /** The model's bytes (opset 17, IR 8). */
  encode(producer) {
    const w = new Writer();
    w.int(1, 8);
    w.string(2, producer);
    w.message(7, (g) => {
      for (const n of this.nodes) {
        g.message(1, (nw) => {
          for (const i of n.inputs) nw.string(1, i);
          for (const o of n.outputs) nw.string(2, o);
          nw.string(3, n.name);
          nw.string(4, n.type);
          for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (a) => writeAttribute(a, k, v));
        });
      }
      g.string(2, 'main');
      for (const t of this.inits) g.message(5, (tw) => writeTensor(tw, t));
      for (const v of this.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
      for (const v of this.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
    });
    w.message(8, (o) => {
      o.string(1, '');
      o.int(2, 17);
    });
    return w.concat();
  }
}
