#include "image/coded_plan.hpp"

#include <map>

#include "image/bmff.hpp"

namespace clipfind {
namespace {

using namespace bmff;  // be16, be32, Box, children, find

// Bounds-checked big-endian reader over [pos, end); `ok` turns false on the first overrun.
struct Reader {
  std::span<const uint8_t> b;
  size_t pos, end;
  bool ok = true;
  uint64_t n(int bytes) {
    if (bytes == 0) return 0;
    if (!ok || bytes < 0 || bytes > 8 || end - pos < size_t(bytes)) return ok = false, 0;
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | b[pos++];
    return v;
  }
};

struct Item {
  char type[5] = {};
  std::vector<ByteRange> extents;
  std::vector<const Box*> props;  // in ipma order
  std::vector<uint32_t> dimg;     // iref 'dimg' targets (a grid's tiles)
};

// The tile an item is: its decoder configuration (hvcC / av1C), extents and colr nclx; false when
// unusable here. Every tile of a plan has the plan's codec.
bool tile_of(std::span<const uint8_t> b, const Item& item, Codec codec, CodedTile& t) {
  const char* type = codec == Codec::Hevc ? "hvc1" : "av01";
  if (std::memcmp(item.type, type, 4) != 0 || item.extents.empty()) return false;
  bool have_config = false;
  for (const Box* p : item.props) {
    const size_t len = p->end - p->body;
    if (codec == Codec::Hevc && p->is("hvcC") && len >= 23) {
      t.nal_length_size = (b[p->body + 21] & 3) + 1;
      Reader r{b, p->body + 22, p->end};
      const uint64_t arrays = r.n(1);
      for (uint64_t a = 0; a < arrays && r.ok; ++a) {
        r.n(1);  // NAL unit type
        const uint64_t count = r.n(2);
        for (uint64_t i = 0; i < count && r.ok; ++i) {
          const uint64_t n = r.n(2);
          if (r.end - r.pos < n) return false;
          t.config.push_back({r.pos, n});
          r.pos += size_t(n);
        }
      }
      if (!r.ok) return false;
      have_config = true;
    } else if (codec == Codec::Av1 && p->is("av1C") && len >= 4) {
      // marker/version, profile/level, tier/depth/subsampling, delay; then configOBUs.
      if (b[p->body] != 0x81) return false;
      if (len > 4) t.config.push_back({p->body + 4, len - 4});
      have_config = true;
    } else if (p->is("colr") && len >= 11 && bmff::is(b.data() + p->body, "nclx")) {
      t.primaries = be16(b.data() + p->body + 4);
      t.matrix = be16(b.data() + p->body + 8);
      t.full_range = b[p->body + 10] >> 7;
    } else if (p->is("clap") || p->is("lsel") || p->is("a1op")) {
      return false;  // libheif crops it / picks a layer: left to the packaged decoders
    }
  }
  t.data = item.extents;
  return have_config;
}

}  // namespace

CodedPlan read_coded_plan(std::span<const uint8_t> b) {
  CodedPlan plan;
  const auto top = children(b, 0, b.size());
  const Box* meta = find(top, "meta");
  if (!meta || meta->end - meta->body < 4) return plan;
  const auto in_meta = children(b, meta->body + 4, meta->end);
  const Box* pitm = find(in_meta, "pitm");
  const Box* iinf = find(in_meta, "iinf");
  const Box* iloc = find(in_meta, "iloc");
  const Box* iprp = find(in_meta, "iprp");
  const Box* idat = find(in_meta, "idat");
  const Box* iref = find(in_meta, "iref");
  if (!pitm || !iinf || !iloc || !iprp || pitm->end - pitm->body < 6 || iinf->end - iinf->body < 6) return plan;
  const uint32_t primary = b[pitm->body] == 0 ? be16(b.data() + pitm->body + 4) : pitm->end - pitm->body >= 8 ? be32(b.data() + pitm->body + 4) : 0;
  std::map<uint32_t, Item> items;

  // iinf: item types (infe version 2 and 3; older versions carry no type).
  for (const Box& infe : children(b, iinf->body + (b[iinf->body] == 0 ? 6 : 8), iinf->end)) {
    if (!infe.is("infe") || infe.end - infe.body < 4) continue;
    const uint8_t v = b[infe.body];
    Reader r{b, infe.body + 4, infe.end};
    if (v < 2) continue;
    const uint32_t id = uint32_t(r.n(v == 2 ? 2 : 4));
    r.n(2);  // protection index
    const uint64_t type = r.n(4);
    if (!r.ok) continue;
    for (int i = 0; i < 4; ++i) items[id].type[i] = char(type >> (24 - 8 * i));
  }

  // iloc: extents, as file offsets (construction method 0) or within idat (1).
  {
    Reader r{b, iloc->body, iloc->end};
    const int v = int(r.n(1));
    r.n(3);
    const uint64_t sizes = r.n(2);
    const int off_size = int(sizes >> 12), len_size = int(sizes >> 8 & 15), base_size = int(sizes >> 4 & 15);
    const int index_size = (v == 1 || v == 2) ? int(sizes & 15) : 0;
    const uint64_t count = r.n(v < 2 ? 2 : 4);
    for (uint64_t i = 0; i < count && r.ok; ++i) {
      const uint32_t id = uint32_t(r.n(v < 2 ? 2 : 4));
      const int method = (v == 1 || v == 2) ? int(r.n(2) & 15) : 0;
      r.n(2);  // data reference index
      const uint64_t base = r.n(base_size);
      const uint64_t extents = r.n(2);
      std::vector<ByteRange> ranges;
      bool usable = method == 0 || (method == 1 && idat);
      for (uint64_t e = 0; e < extents && r.ok; ++e) {
        r.n(index_size);
        uint64_t off = base + r.n(off_size);
        uint64_t len = r.n(len_size);
        if (method == 1 && idat) off += idat->body;
        const uint64_t limit = method == 1 && idat ? idat->end : b.size();
        if (len == 0 && extents == 1) len = off < limit ? limit - off : 0;  // length 0: to the end
        if (off > limit || len > limit - off) usable = false;
        ranges.push_back({off, len});
      }
      if (!r.ok) return plan;
      if (usable && items.count(id)) items[id].extents = std::move(ranges);
    }
  }

  // ipma: each item's properties, in order.
  const auto in_iprp = children(b, iprp->body, iprp->end);
  const Box* ipco = find(in_iprp, "ipco");
  if (!ipco) return plan;
  const auto props = children(b, ipco->body, ipco->end);
  for (const Box& ipma : in_iprp) {
    if (!ipma.is("ipma") || ipma.end - ipma.body < 8) continue;
    const uint8_t version = b[ipma.body];
    const bool wide = (b[ipma.body + 3] & 1) != 0;
    Reader r{b, ipma.body + 4, ipma.end};
    const uint64_t count = r.n(4);
    for (uint64_t e = 0; e < count && r.ok; ++e) {
      const uint32_t id = uint32_t(r.n(version < 1 ? 2 : 4));
      const uint64_t n = r.n(1);
      for (uint64_t a = 0; a < n && r.ok; ++a) {
        const size_t index = size_t(r.n(wide ? 2 : 1) & (wide ? 0x7fff : 0x7f));
        if (r.ok && index > 0 && index <= props.size() && items.count(id)) items[id].props.push_back(&props[index - 1]);
      }
    }
  }

  // iref: a grid's tiles ('dimg').
  if (iref && iref->end - iref->body >= 4) {
    const bool wide = b[iref->body] != 0;
    for (const Box& ref : children(b, iref->body + 4, iref->end)) {
      if (!ref.is("dimg")) continue;
      Reader r{b, ref.body, ref.end};
      const uint32_t from = uint32_t(r.n(wide ? 4 : 2));
      const uint64_t n = r.n(2);
      std::vector<uint32_t> to;
      for (uint64_t i = 0; i < n && r.ok; ++i) to.push_back(uint32_t(r.n(wide ? 4 : 2)));
      if (r.ok && items.count(from)) items[from].dimg = std::move(to);
    }
  }

  auto it = items.find(primary);
  if (it == items.end()) return plan;
  const Item& main = it->second;
  auto ispe_of = [&](const Item& item, uint32_t& w, uint32_t& h) {
    for (const Box* p : item.props)
      if (p->is("ispe") && p->end - p->body >= 12) {
        w = be32(b.data() + p->body + 4);
        h = be32(b.data() + p->body + 8);
        return true;
      }
    return false;
  };
  if (!ispe_of(main, plan.width, plan.height)) return plan;
  for (const Box* p : main.props)
    if (p->is("clap")) return plan;

  // The codec: the item's type, or a grid's first tile's (tile_of refuses tiles of another).
  const bool grid = std::memcmp(main.type, "grid", 4) == 0;
  const Item* first = &main;
  if (grid && !main.dimg.empty() && items.count(main.dimg[0])) first = &items[main.dimg[0]];
  plan.codec = std::memcmp(first->type, "av01", 4) == 0 ? Codec::Av1 : Codec::Hevc;

  if (grid) {
    // ImageGrid: version, flags (bit 0: 32-bit sizes), rows-1, columns-1, output width and height.
    if (main.extents.size() != 1) return plan;
    const ByteRange g = main.extents[0];
    Reader r{b, size_t(g.offset), size_t(g.offset + g.length)};
    r.n(1);
    const int size = (r.n(1) & 1) ? 4 : 2;
    plan.rows = uint32_t(r.n(1)) + 1;
    plan.columns = uint32_t(r.n(1)) + 1;
    const uint32_t out_w = uint32_t(r.n(size)), out_h = uint32_t(r.n(size));
    if (!r.ok || out_w != plan.width || out_h != plan.height) return plan;
    if (main.dimg.size() != size_t(plan.rows) * plan.columns) return plan;
    for (uint32_t id : main.dimg) {
      auto t = items.find(id);
      uint32_t w = 0, h = 0;
      CodedTile tile;
      if (t == items.end() || !ispe_of(t->second, w, h) || !tile_of(b, t->second, plan.codec, tile)) return plan;
      if (plan.tiles.empty()) plan.tile_width = w, plan.tile_height = h;
      if (w != plan.tile_width || h != plan.tile_height || w == 0 || h == 0) return plan;
      plan.tiles.push_back(std::move(tile));
    }
    if (uint64_t(plan.tile_width) * plan.columns < plan.width || uint64_t(plan.tile_height) * plan.rows < plan.height) return plan;
  } else {
    CodedTile tile;
    if (!tile_of(b, main, plan.codec, tile)) return plan;
    plan.tile_width = plan.width;
    plan.tile_height = plan.height;
    plan.tiles.push_back(std::move(tile));
  }
  plan.direct = true;
  return plan;
}

}  // namespace clipfind
