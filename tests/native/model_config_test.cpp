#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "model/model_config.hpp"

using namespace clipfind;

namespace {

std::string read(const std::string& rel) {
  std::ifstream f(std::string(CLIPFIND_SOURCE_DIR) + "/" + rel);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The message of the InvalidModel error `text` raises, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    ModelConfig::from_json(text, "folder");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidModel) << e.what();
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ModelConfig, HuggingFaceClipConfig) {
  // transformers' CLIPConfig defaults: logit_scale_init_value 2.6592 = ln(1/0.07).
  const auto c = ModelConfig::from_json(R"({"architectures":["CLIPModel"],"model_type":"clip","projection_dim":512,
    "logit_scale_init_value":2.6592,"text_config":{"max_position_embeddings":77},"vision_config":{"image_size":224}})", "openai/clip-vit-base-patch32");
  EXPECT_EQ(c.family, ModelFamily::Clip);
  EXPECT_EQ(c.name, "openai/clip-vit-base-patch32");
  EXPECT_EQ(c.dim, 512);
  EXPECT_NEAR(c.logit_scale, 1.0 / 0.07, 1e-3);
  EXPECT_EQ(c.logit_bias, 0.0);
}

TEST(ModelConfig, FamiliesOfTheShippedModels) {
  const auto clip = ModelConfig::from_json(read("tests/fixtures/models/clip/config.json"), "clip");
  EXPECT_EQ(clip.family, ModelFamily::Clip);
  const auto siglip = ModelConfig::from_json(read("tests/fixtures/models/siglip/config.json"), "siglip");
  EXPECT_EQ(siglip.family, ModelFamily::Siglip);
  EXPECT_NEAR(siglip.logit_scale, std::exp(4.7), 1e-9);
  EXPECT_EQ(siglip.logit_bias, -10.0);
  EXPECT_EQ(ModelConfig::from_json(read("tests/fixtures/models/mobileclip/config.json"), "m").family, ModelFamily::MobileClip);
  EXPECT_EQ(ModelConfig::from_json(read("models/tiny/config.json"), "tiny").family, ModelFamily::Clip);
}

TEST(ModelConfig, FamilyRules) {
  EXPECT_EQ(ModelConfig::from_json(R"({"model_type":"siglip2"})", "x").family, ModelFamily::Siglip);
  const auto bare_siglip = ModelConfig::from_json(R"({"model_type":"siglip"})", "x");  // as on the Hugging Face hub
  EXPECT_EQ(bare_siglip.logit_bias, -10.0);  // SigLIP's init bias
  EXPECT_FALSE(bare_siglip.calibrated);
  EXPECT_FALSE(ModelConfig::from_json(R"({"model_type":"siglip","logit_scale":4.72})", "x").calibrated);
  EXPECT_TRUE(ModelConfig::from_json(R"({"model_type":"siglip","logit_scale":4.72,"logit_bias":-16.5})", "x").calibrated);
  EXPECT_FALSE(ModelConfig::from_json(R"({"model_type":"clip","logit_scale_init_value":2.6592})", "x").calibrated);
  EXPECT_EQ(ModelConfig::from_json(R"({"model_type":"CLIP","architectures":["MobileCLIPModel"]})", "x").family, ModelFamily::MobileClip);
  EXPECT_EQ(ModelConfig::from_json(R"({"model_type":"clip"})", "apple/MobileCLIP-S2").family, ModelFamily::MobileClip);
  EXPECT_EQ(ModelConfig::from_json(R"({"model_type":"open_clip","_name_or_path":""})", "dir").name, "dir");
  EXPECT_EQ(ModelConfig::from_json(R"({"model_type":"clip","text_config":{"projection_size":768}})", "x").dim, 768);
  EXPECT_FALSE(ModelConfig::from_json(R"({"model_type":"clip","projection_dim":null})", "x").dim.has_value());
}

TEST(ModelConfig, PaddingPadIdAndScoreRuleComeWithTheFamily) {
  const auto clip = ModelConfig::from_json(R"({"model_type":"clip"})", "x").rules;
  EXPECT_EQ(clip.padding, Padding::Longest);
  EXPECT_FALSE(clip.pad_id.has_value());
  EXPECT_EQ(clip.scoring, Scoring::Softmax);
  const auto siglip = ModelConfig::from_json(R"({"model_type":"siglip2"})", "x").rules;
  EXPECT_EQ(siglip.padding, Padding::MaxLength);
  EXPECT_FALSE(siglip.pad_id.has_value());
  EXPECT_EQ(siglip.scoring, Scoring::Sigmoid);
  for (const char* type : {"open_clip", "mobileclip"}) {
    const auto r = ModelConfig::from_json(std::string(R"({"model_type":")") + type + "\"}", "x").rules;
    EXPECT_EQ(r.padding, Padding::MaxLength) << type;
    EXPECT_EQ(r.pad_id, 0) << type;
    EXPECT_EQ(r.scoring, Scoring::Softmax) << type;
  }
}

TEST(ModelConfig, MalformedFilesNameTheField) {
  EXPECT_NE(error_of("{\"model_type\": ").find("config.json: invalid JSON"), std::string::npos);
  // Found by fuzz_model_config: a number beyond double range is nlohmann's out_of_range, not parse_error.
  EXPECT_NE(error_of(R"({"model_type":"clip","projection_dim":1e999})").find("config.json: invalid JSON"), std::string::npos);
  EXPECT_EQ(error_of("[1]"), "config.json: expected a JSON object");
  EXPECT_NE(error_of(R"({"model_type":"bert"})").find("unknown model_type 'bert'"), std::string::npos);
  EXPECT_EQ(error_of(R"({})"), "config.json: model_type: missing (expected clip, siglip, siglip2, mobileclip, open_clip or clap)");
  EXPECT_EQ(error_of(R"({"model_type":7})"), "config.json: model_type: expected a string");
  EXPECT_EQ(error_of(R"({"model_type":"clip","projection_dim":"512"})"), "config.json: projection_dim: expected an integer");
  EXPECT_EQ(error_of(R"({"model_type":"clip","projection_dim":-1})"), "config.json: projection_dim: out of range (1..65536): -1");
  EXPECT_EQ(error_of(R"({"model_type":"clip","text_config":{"projection_size":1e9}})"), "config.json: text_config.projection_size: expected an integer");
  EXPECT_EQ(error_of(R"({"model_type":"clip","text_config":[]})"), "config.json: text_config: expected an object");
  EXPECT_EQ(error_of(R"({"model_type":"clip","logit_scale":1000})"), "config.json: logit_scale: out of range (|x| <= 50)");
  EXPECT_EQ(error_of(R"({"model_type":"clip","architectures":"CLIPModel"})"), "config.json: architectures: expected an array of strings");
  EXPECT_EQ(error_of(R"({"model_type":"siglip","logit_bias":"x"})"), "config.json: logit_bias: expected a number");
}
