// Decodes Loki's JSON push body (Content-Type application/json):
//
//   {"streams": [{"stream": {"app": "x"},
//                 "values": [["<unix epoch ns, as a string>", "<line>"],
//                            ["<ns>", "<line>", {"trace_id": "abc"}]]}]}
//
// The optional third element of a value carries the entry's structured metadata. Unknown keys
// are ignored, as Loki does. Parsed with nlohmann::json's SAX interface straight into the
// model: no JSON document is built, and strings (lines) are moved, not copied.
// Stateless and thread-safe.
#pragma once

#include <string_view>

#include "push/push_request.h"
#include "util/result.h"

namespace push {

util::Result<PushRequest> decode_json(std::string_view body);

}  // namespace push
