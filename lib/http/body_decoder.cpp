#include "http/body_decoder.h"

#include <zlib.h>

#include <algorithm>

#include "http/message.h"
#include "util/strings.h"

namespace http {

bool is_decodable_encoding(std::string_view encoding) {
  return util::iequals(encoding, "gzip") || util::iequals(encoding, "x-gzip") || util::iequals(encoding, "deflate");
}

util::Result<std::string> decode_content(std::string_view encoding, std::string_view body,
                                         size_t max_decoded_bytes) {
  std::string out;
  bool gzip = !util::iequals(encoding, "deflate");
  if (gzip && body.size() >= 18) {
    // A gzip trailer states its member's size (mod 2^32): one allocation for an honest body. A
    // false one costs nothing more, as growth below stays under the bound.
    const auto* t = reinterpret_cast<const unsigned char*>(body.data() + body.size() - 4);
    const size_t stated = size_t{t[0]} | size_t{t[1]} << 8 | size_t{t[2]} << 16 | size_t{t[3]} << 24;
    out.reserve(std::min(stated, max_decoded_bytes));
  }
  z_stream zs{};
  // 16 + MAX_WBITS: gzip wrapper only; MAX_WBITS: zlib wrapper (HTTP's "deflate").
  if (inflateInit2(&zs, gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) {
    return util::internal("cannot initialize the " + std::string(encoding) + " decoder");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs.avail_in = static_cast<uInt>(body.size());  // bodies are bounded well below 4 GB
  char chunk[64 * 1024];
  int rc = Z_OK;
  util::Status failure;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof(chunk) - zs.avail_out;
    if (out.size() + produced > max_decoded_bytes) {
      failure = util::too_large("request body too large: more than " + std::to_string(max_decoded_bytes) +
                                " bytes after " + std::string(encoding) + " decoding");
      break;
    }
    if (out.size() + produced > out.capacity()) {
      // Grow geometrically but never past the bound: a bomb costs at most the bound, not the
      // next power of two above it.
      out.reserve(std::min(max_decoded_bytes, std::max(out.size() + produced, 2 * out.capacity())));
    }
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated gzip files are one valid stream).
      if (gzip && zs.avail_in > 0 && inflateReset(&zs) == Z_OK) continue;
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      failure = util::invalid_argument("invalid " + std::string(encoding) + " body: unexpected end of data");
      break;
    }
    if (rc != Z_OK) {
      failure = util::invalid_argument("invalid " + std::string(encoding) + " body: " +
                                       (zs.msg ? zs.msg : "corrupt data"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!failure.ok()) return failure.status_error();
  return out;
}

}  // namespace http
