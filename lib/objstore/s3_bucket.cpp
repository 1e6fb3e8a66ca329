#include "objstore/s3_bucket.h"

#include <charconv>

#include "objstore/s3_xml.h"

namespace objstore {
namespace {

uint64_t parse_u64(std::string_view s, bool& ok) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  ok = ok && ec == std::errc() && end == s.data() + s.size() && !s.empty();
  return v;
}

// "bytes 10-19/1000" -> {10, 19, 1000}.
struct ContentRange {
  uint64_t first = 0, last = 0, total = 0;
};
bool parse_content_range(std::string_view v, ContentRange& out) {
  if (!v.starts_with("bytes ")) return false;
  v.remove_prefix(6);
  size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return false;
  bool ok = true;
  out.first = parse_u64(v.substr(0, dash), ok);
  out.last = parse_u64(v.substr(dash + 1, slash - dash - 1), ok);
  out.total = parse_u64(v.substr(slash + 1), ok);
  return ok && out.first <= out.last && out.last < out.total;
}

util::ErrorCode code_of_key_error(const std::string& s3_code) {
  if (s3_code == "AccessDenied") return util::ErrorCode::kPermissionDenied;
  if (is_retryable_s3_code(s3_code)) return util::ErrorCode::kUnavailable;
  return util::ErrorCode::kInternal;
}

}  // namespace

util::Result<std::unique_ptr<S3Bucket>> S3Bucket::create(S3Config config, util::Clock& clock) {
  if (auto s = validate(config); !s.ok()) return s.status_error();
  return std::unique_ptr<S3Bucket>(new S3Bucket(std::move(config), clock));
}

util::Status S3Bucket::check(std::stop_token stop) {
  const S3Config& c = client_.config();
  S3Request r{S3Operation::kListObjectsV2, "GET", "", {{"list-type", "2"}, {"max-keys", "1"}}, {}, {}};
  if (!c.prefix.empty()) r.query.emplace_back("prefix", c.prefix + "/");
  auto answer = client_.perform(r, stop);
  if (answer.ok()) return {};
  return util::Error{"s3 bucket \"" + c.bucket + "\" at " + client_.endpoint_url() + " is not usable: " + answer.error(),
                     answer.code()};
}

util::Status S3Bucket::do_put(const std::string& key, std::string_view data, std::stop_token stop) {
  auto answer = client_.perform({S3Operation::kPutObject, "PUT", key, {}, {}, data}, stop);
  return answer.ok() ? util::Status{} : util::Status(answer.status_error());
}

util::Result<std::string> S3Bucket::do_get(const std::string& key, std::stop_token stop) {
  auto answer = client_.perform({S3Operation::kGetObject, "GET", key, {}, {}, {}}, stop);
  if (!answer.ok()) return answer.status_error();
  return std::move(answer->body);
}

util::Result<std::string> S3Bucket::range_past_end(const std::string& key, uint64_t offset, std::stop_token stop) {
  // S3 answers 416 for a range starting at or past the end, also for offset == size, which is
  // a valid empty read here; and a zero-length read needs the size too.
  auto attributes = do_head(key, stop);
  if (!attributes.ok()) return attributes.status_error();
  if (offset <= attributes->size) return std::string();
  return util::invalid_argument("get_range " + key + ": offset " + std::to_string(offset) + " is past the end (" +
                                std::to_string(attributes->size) + " bytes)");
}

util::Result<std::string> S3Bucket::do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                                 std::stop_token stop) {
  if (length == 0) return range_past_end(key, offset, stop);
  uint64_t last = offset + length - 1;
  // s3rver answers "bytes=0-0" with the whole object; ask for two bytes and keep one.
  if (offset == 0 && last == 0) last = 1;
  std::string range = "bytes=" + std::to_string(offset) + "-" + std::to_string(last);
  auto answer = client_.perform({S3Operation::kGetObject, "GET", key, {}, {{"Range", range}}, {}}, stop, 416);
  if (!answer.ok()) return answer.status_error();
  if (answer->status == 416) return range_past_end(key, offset, stop);
  std::string body = std::move(answer->body);
  if (answer->status == 200) {  // the range was ignored: this is the whole object
    if (offset > body.size()) {
      return util::invalid_argument("get_range " + key + ": offset " + std::to_string(offset) + " is past the end (" +
                                    std::to_string(body.size()) + " bytes)");
    }
    return body.substr(offset, length);
  }
  if (answer->header("content-range").ends_with("/0")) {  // s3rver's answer for an empty object
    return offset == 0 ? std::string() : range_past_end(key, offset, stop);
  }
  ContentRange cr;
  if (!parse_content_range(answer->header("content-range"), cr) || cr.first != offset ||
      body.size() != cr.last - cr.first + 1 || cr.last > last) {
    return util::corruption("s3 GetObject " + client_.config().bucket + "/" + key + " " + range +
                            ": the answer does not match the range asked (Content-Range \"" +
                            std::string(answer->header("content-range")) + "\", " + std::to_string(body.size()) +
                            " bytes)");
  }
  if (body.size() > length) body.resize(length);
  return body;
}

util::Result<ObjectAttributes> S3Bucket::do_head(const std::string& key, std::stop_token stop) {
  auto answer = client_.perform({S3Operation::kHeadObject, "HEAD", key, {}, {}, {}}, stop);
  if (!answer.ok()) return answer.status_error();
  ObjectAttributes a;
  bool ok = true;
  a.size = parse_u64(answer->header("content-length"), ok);
  if (!ok) {
    return util::corruption("s3 HeadObject " + key + ": bad Content-Length \"" +
                            std::string(answer->header("content-length")) + "\"");
  }
  if (auto lm = answer->header("last-modified"); !lm.empty()) {
    auto t = parse_http_date(lm);
    if (!t.ok()) return t.status_error();
    a.last_modified_ns = *t;
  }
  return a;
}

util::Status S3Bucket::do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) {
  std::string token, last_prefix;
  for (bool first = true;; first = false) {
    S3Request r{S3Operation::kListObjectsV2, "GET", "", {{"list-type", "2"}}, {}, {}};
    r.query.emplace_back("max-keys", std::to_string(client_.config().list_page_size));
    if (!options.prefix.empty()) r.query.emplace_back("prefix", options.prefix);
    if (!options.delimiter.empty()) r.query.emplace_back("delimiter", options.delimiter);
    if (first && !options.start_after.empty()) r.query.emplace_back("start-after", options.start_after);
    if (!first) r.query.emplace_back("continuation-token", token);
    auto answer = client_.perform(r, stop);
    if (!answer.ok()) return answer.status_error();
    auto page = parse_list_objects_v2(answer->body);
    if (!page.ok()) return util::Error{"s3 ListObjectsV2 " + client_.config().bucket + ": " + page.error(), page.code()};

    // Objects and common prefixes come in two lists; merge them into key order.
    size_t o = 0, p = 0;
    while (o < page->objects.size() || p < page->common_prefixes.size()) {
      bool take_prefix = o == page->objects.size() ||
                         (p < page->common_prefixes.size() && page->common_prefixes[p] < page->objects[o].key);
      if (take_prefix) {
        std::string& prefix = page->common_prefixes[p++];
        if (prefix == last_prefix) continue;  // a prefix spanning two pages comes once
        last_prefix = prefix;
        ListEntry e;
        e.key = std::move(prefix);
        e.is_prefix = true;
        if (!callback(e)) return {};
      } else if (!callback(page->objects[o++])) {
        return {};
      }
    }
    if (!page->truncated) return {};
    if (page->next_continuation_token == token) {
      return util::corruption("s3 ListObjectsV2 " + client_.config().bucket + ": the same continuation token twice");
    }
    token = std::move(page->next_continuation_token);
    if (stop.stop_requested()) return util::cancelled("s3 ListObjectsV2 " + client_.config().bucket + ": cancelled");
  }
}

util::Status S3Bucket::do_remove(const std::string& key, std::stop_token stop) {
  auto answer = client_.perform({S3Operation::kDeleteObject, "DELETE", key, {}, {}, {}}, stop, 404);
  if (!answer.ok()) return answer.status_error();
  if (answer->status == 404) {
    // Some S3-compatible stores answer 404 NoSuchKey for a missing key: gone is gone. A missing
    // bucket is another matter.
    auto e = parse_error(answer->body);
    if (e.ok() && e->code == "NoSuchBucket") {
      return util::not_found("s3 DeleteObject " + client_.config().bucket + "/" + key + ": 404 NoSuchBucket: " +
                             e->message);
    }
  }
  return {};
}

void S3Bucket::delete_chunk(const std::vector<std::string>& keys, size_t begin, size_t end, RemoveBatchResult& result,
                            std::stop_token stop) {
  std::vector<std::string> chunk(keys.begin() + static_cast<ptrdiff_t>(begin), keys.begin() + static_cast<ptrdiff_t>(end));
  std::string body = build_delete_request(chunk, /*quiet=*/true);
  S3Request r{S3Operation::kDeleteObjects, "POST", "", {{"delete", ""}},
              {{"Content-MD5", content_md5(body)}, {"Content-Type", "application/xml"}}, body};
  auto answer = client_.perform(r, stop);
  if (!answer.ok()) {
    for (auto& k : chunk) result.failed.push_back({std::move(k), answer.status_error()});
    return;
  }
  auto parsed = parse_delete_result(answer->body);
  if (!parsed.ok()) {
    util::Error e{"s3 DeleteObjects " + client_.config().bucket + ": " + parsed.error(), parsed.code()};
    for (auto& k : chunk) result.failed.push_back({std::move(k), e});
    return;
  }
  for (const auto& e : parsed->errors) {
    if (e.code == "NoSuchKey") continue;  // already gone
    result.failed.push_back({e.key, util::Error{"s3 DeleteObjects " + client_.config().bucket + "/" + e.key + ": " +
                                                    e.code + ": " + e.message,
                                                code_of_key_error(e.code)}});
  }
}

RemoveBatchResult S3Bucket::do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) {
  RemoveBatchResult result;
  const size_t batch = static_cast<size_t>(client_.config().delete_batch_size);
  for (size_t begin = 0; begin < keys.size(); begin += batch) {
    delete_chunk(keys, begin, std::min(keys.size(), begin + batch), result, stop);
  }
  return result;
}

}  // namespace objstore
