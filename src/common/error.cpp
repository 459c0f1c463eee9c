#include "common/error.hpp"

namespace clipfind {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::DimensionMismatch: return "DIMENSION_MISMATCH";
    case ErrorCode::InvalidValue: return "INVALID_VALUE";
    case ErrorCode::DuplicateId: return "DUPLICATE_ID";
    case ErrorCode::NotFound: return "NOT_FOUND";
    case ErrorCode::CorruptData: return "CORRUPT_DATA";
    case ErrorCode::UnsupportedVersion: return "UNSUPPORTED_VERSION";
    case ErrorCode::Closed: return "CLOSED";
    case ErrorCode::InvalidModel: return "INVALID_MODEL";
    case ErrorCode::InvalidImage: return "INVALID_IMAGE";
    case ErrorCode::UnsupportedFormat: return "UNSUPPORTED_FORMAT";
    case ErrorCode::ImageTooLarge: return "IMAGE_TOO_LARGE";
  }
  return "UNKNOWN";
}

}  // namespace clipfind
