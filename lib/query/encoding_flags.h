// Loki's response encoding flags (pkg/util/httpreq): a client lists them, comma-separated, in the
// X-Loki-Response-Encoding-Flags request header; a server that honours one echoes it in the
// answer's `encodingFlags` array. The one flag Loki defines, `categorize-labels`, asks log query
// and tail answers to keep stream labels, structured metadata and parsed labels apart.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace query {

inline constexpr std::string_view kEncodingFlagsHeader = "X-Loki-Response-Encoding-Flags";
inline constexpr std::string_view kCategorizeLabelsFlag = "categorize-labels";

// Whether a header value lists `categorize-labels` (flags compared exactly, blanks around the
// commas ignored; unknown flags are not an error, as in Loki).
bool has_categorize_labels(std::string_view header_value);

}  // namespace query
