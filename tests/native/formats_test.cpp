// Headers of WebP/HEIC/AVIF (src/image/formats.hpp) on the committed fixtures and on broken bytes.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "image/decode.hpp"
#include "image/formats.hpp"

using namespace clipfind;

namespace {

std::vector<uint8_t> read(const std::string& name) {
  std::ifstream f(std::string(CLIPFIND_SOURCE_DIR) + "/tests/fixtures/formats/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// The error code read_foreign_header throws, or nothing when the header reads.
std::optional<ErrorCode> code_of(const std::vector<uint8_t>& bytes, std::string* message = nullptr) {
  try {
    read_foreign_header(bytes);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return std::nullopt;
}

}  // namespace

TEST(Formats, IrotImirComposeAsExifOrientations) {
  using Ops = std::vector<std::pair<bool, int>>;
  // irot alone: anticlockwise quarter turns.
  EXPECT_EQ(orientation_of_transforms(Ops{}), 1);
  EXPECT_EQ(orientation_of_transforms(Ops{{false, 1}}), 8);
  EXPECT_EQ(orientation_of_transforms(Ops{{false, 2}}), 3);
  EXPECT_EQ(orientation_of_transforms(Ops{{false, 3}}), 6);
  // imir axis 1 flips left-right, axis 0 top-bottom (libheif).
  EXPECT_EQ(orientation_of_transforms(Ops{{true, 1}}), 2);
  EXPECT_EQ(orientation_of_transforms(Ops{{true, 0}}), 4);
  // turn first, then mirror: 90° anticlockwise then left-right is the transverse (7).
  EXPECT_EQ(orientation_of_transforms(Ops{{false, 1}, {true, 1}}), 7);
  EXPECT_EQ(orientation_of_transforms(Ops{{false, 1}, {true, 0}}), 5);
}

TEST(Formats, FixtureHeaders) {
  for (const char* ext : {"heic", "avif"}) {
    for (int rot = 0; rot < 4; ++rot) {
      const auto h = read_foreign_header(read("rot" + std::to_string(rot) + "mir1." + ext));
      EXPECT_EQ(h.format, std::string(ext) == "heic" ? ForeignFormat::Heif : ForeignFormat::Avif);
      EXPECT_EQ(h.width, 128u);
      EXPECT_EQ(h.height, 64u);
      static constexpr int want[4] = {2, 7, 4, 5};
      EXPECT_EQ(h.orientation, want[rot]) << ext << " rot" << rot;
    }
  }
  const auto grid = read_foreign_header(read("grid.heic"));
  EXPECT_EQ(grid.width, 120u);
  EXPECT_EQ(grid.height, 100u);
  const auto webp = read_foreign_header(read("exif6.webp"));
  EXPECT_EQ(webp.format, ForeignFormat::WebP);
  EXPECT_EQ(webp.orientation, 6);
  EXPECT_EQ(read_foreign_header(read("lossless.webp")).width, 96u);
  EXPECT_EQ(read_foreign_header(std::vector<uint8_t>{0xff, 0xd8, 0xff}).format, ForeignFormat::None);
}

TEST(Formats, CodedPlanLocatesHevcTilesAndParameterSets) {
  const auto bytes = read("grid.heic");
  const CodedPlan grid = read_foreign_header(bytes).plan;
  ASSERT_TRUE(grid.direct);
  EXPECT_EQ(grid.codec, Codec::Hevc);
  EXPECT_EQ(grid.columns, 2u);
  EXPECT_EQ(grid.rows, 2u);
  EXPECT_EQ(grid.width, 120u);
  EXPECT_EQ(grid.height, 100u);
  EXPECT_EQ(grid.tile_width, 64u);
  EXPECT_EQ(grid.tile_height, 64u);
  ASSERT_EQ(grid.tiles.size(), 4u);
  for (const CodedTile& t : grid.tiles) {
    ASSERT_GE(t.config.size(), 3u);  // VPS, SPS, PPS
    // The first parameter set is a VPS (NAL type 32), and the data starts with a length prefix that
    // fits its extent.
    EXPECT_EQ((bytes[t.config[0].offset] >> 1) & 63, 32);
    ASSERT_EQ(t.data.size(), 1u);
    const uint8_t* d = bytes.data() + t.data[0].offset;
    EXPECT_LE(uint64_t(d[0]) << 24 | d[1] << 16 | d[2] << 8 | d[3], t.data[0].length - 4);
  }
  const CodedPlan plain = read_foreign_header(read("rot1mir0.heic")).plan;
  ASSERT_TRUE(plain.direct);
  EXPECT_EQ(plain.tiles.size(), 1u);
  EXPECT_EQ(plain.width, 128u);  // before irot/imir, which the orientation carries
}

TEST(Formats, CodedPlanLocatesAv1Data) {
  const auto bytes = read("rot1mir0.avif");
  const CodedPlan plan = read_foreign_header(bytes).plan;
  ASSERT_TRUE(plan.direct);
  EXPECT_EQ(plan.codec, Codec::Av1);
  EXPECT_EQ(plan.width, 128u);
  ASSERT_EQ(plan.tiles.size(), 1u);
  const CodedTile& t = plan.tiles[0];
  EXPECT_TRUE(t.config.empty());  // heif-enc's av1C carries no configOBUs: the data has the sequence header
  // The item's data: OBUs (a sequence header or a temporal delimiter first: type in bits 6..3).
  ASSERT_EQ(t.data.size(), 1u);
  const int first = (bytes[t.data[0].offset] >> 3) & 15;
  EXPECT_TRUE(first == 1 || first == 2) << first;
  // tenbit.avif's av1C does carry the sequence header OBU, and its colr box says limited BT.601.
  const auto ten = read("tenbit.avif");
  const CodedPlan plan10 = read_foreign_header(ten).plan;
  ASSERT_TRUE(plan10.direct);
  ASSERT_EQ(plan10.tiles[0].config.size(), 1u);
  EXPECT_EQ((ten[plan10.tiles[0].config[0].offset] >> 3) & 15, 1);
  EXPECT_EQ(plan10.tiles[0].matrix, 6);
  EXPECT_EQ(plan10.tiles[0].full_range, 0);
  const CodedPlan grid = read_foreign_header(read("grid.avif")).plan;
  ASSERT_TRUE(grid.direct);
  EXPECT_EQ(grid.codec, Codec::Av1);
  EXPECT_EQ(grid.tiles.size(), 4u);
  // A tile of another codec inside an AVIF grid, or an AV1 item without av1C: not direct.
  auto broken = bytes;
  for (size_t i = 0; i + 4 < broken.size(); ++i)
    if (std::memcmp(broken.data() + i, "av1C", 4) == 0) std::memcpy(broken.data() + i, "xxxx", 4);
  EXPECT_FALSE(read_foreign_header(broken).plan.direct);
}

TEST(Formats, EveryPrefixOfAFileIsATypedErrorOrAHeader) {
  for (const char* name : {"grid.heic", "rot3mir0.avif", "exif6.webp", "lossless.webp"}) {
    const auto bytes = read(name);
    for (size_t n = 0; n < bytes.size(); n += 7) {
      const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
      std::string msg;
      const auto c = code_of(cut, &msg);
      EXPECT_TRUE(!c || *c == ErrorCode::InvalidImage) << name << " cut at " << n << ": " << msg;
    }
  }
  std::string msg;
  auto heic = read("rot0.heic");
  EXPECT_EQ(code_of(std::vector<uint8_t>(heic.begin(), heic.begin() + 20), &msg), ErrorCode::InvalidImage);
  EXPECT_NE(msg.find("HEIC header is truncated"), std::string::npos) << msg;
  EXPECT_EQ(read_foreign_header(heic, 128 * 64).width, 128u);
  EXPECT_FALSE(code_of(heic));
  try {
    read_foreign_header(heic, 128 * 64 - 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ImageTooLarge);
  }
}
