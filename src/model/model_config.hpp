// What clipfind needs from a model's config.json (Hugging Face layout): the family, which decides
// text padding, the pad id and the score rule (FamilyRules: the one place they are written), the
// embedding size when it is stated, and the logit scale/bias.
#pragma once
#include <optional>
#include <string>

namespace clipfind {

// Clap: an audio-text model (CLAP, HTSAT audio tower + RoBERTa text tower); its text side is searched like CLIP's.
enum class ModelFamily { Clip, Siglip, MobileClip, OpenClip, Clap };

const char* model_family_name(ModelFamily family);

enum class Padding { Longest, MaxLength };  // pad a batch to its longest text, or to the max length
enum class Scoring { Softmax, Sigmoid };    // CLIP-style logits, or SigLIP's sigmoid probability

// How a family's text tower was trained to see its input, and what its score of a cosine means.
struct FamilyRules {
  Padding padding;
  std::optional<int> pad_id;  // overrides tokenizer.json's pad token (open_clip pads with 0), else none
  Scoring scoring;
};

FamilyRules family_rules(ModelFamily family);

struct ModelConfig {
  ModelFamily family = ModelFamily::Clip;
  FamilyRules rules = family_rules(ModelFamily::Clip);
  std::string model_type;          // as written in the file (e.g. "siglip2")
  std::string name;                // _name_or_path, else the caller's fallback (folder or URL name)
  std::optional<int> dim;          // projection_dim / text_config.projection_size, when stated
  double logit_scale = 1.0 / 0.07; // exp() of the stored log-scale
  double logit_bias = 0.0;         // SigLIP's bias (-10 when the file has none)
  // The learned scale (and, for SigLIP, bias) are in the file. Hugging Face SigLIP configs do not
  // carry them (they are weights), and the defaults are init values far from the learned ones
  // (~112 vs 14.3), so a SigLIP sigmoid "probability" is only meaningful when this is true.
  bool calibrated = false;

  // Throws Error(InvalidModel) naming config.json and the field on anything malformed or unsupported.
  static ModelConfig from_json(const std::string& text, const std::string& fallback_name);
};

}  // namespace clipfind
