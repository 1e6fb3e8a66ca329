// Decodes Loki's JSON push body (Content-Type application/json):
//
//   {"streams": [{"stream": {"app": "x"},
//                 "values": [["<unix epoch ns, as a string>", "<line>"],
//                            ["<ns>", "<line>", {"trace_id": "abc"}]]}]}
//
// The optional third element of a value carries the entry's structured metadata. Unknown keys
// are ignored, as Loki does; repeated keys are all taken, in order.
//
// Parsed with simdjson (DOM): the whole body is validated first (syntax, UTF-8, escapes), so a
// syntax error anywhere wins over a semantic one earlier in the body; then the document is
// walked in order and the first offending element is the error. Each thread keeps one parser
// whose buffers are reused between requests (given back after a body over 16 MiB); parsing
// needs transiently up to about 15 bytes per body byte for bodies made mostly of punctuation,
// a few per byte for log lines. Thread-safe.
#pragma once

#include <string_view>

#include "push/push_request.h"
#include "util/result.h"

namespace push {

util::Result<PushRequest> decode_json(std::string_view body);

}  // namespace push
