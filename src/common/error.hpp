// Typed errors shared by every component; bindings turn them into JS errors with the same code.
#pragma once
#include <stdexcept>
#include <string>

namespace clipfind {

enum class ErrorCode {
  InvalidArgument,     // a caller passed something malformed (bad option, wrong type)
  DimensionMismatch,   // vector length does not match the index / model dimension
  InvalidValue,        // NaN, Inf, zero vector, out-of-range number
  DuplicateId,         // id already present
  NotFound,            // id or file does not exist
  CorruptData,         // serialized bytes fail validation (magic, checksum, structure)
  UnsupportedVersion,  // serialized bytes from a format version we cannot read
  Closed,              // object used after close()
  InvalidModel,        // a model, tokenizer or config file is malformed or uses something unsupported
  InvalidImage,        // image bytes are empty, truncated or corrupt
  UnsupportedFormat,   // a real image format we do not decode (TIFF, PSD, MP4, CMYK JPEG...)
  ImageTooLarge,       // over the pixel limit (decompression bomb guard)
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace clipfind
