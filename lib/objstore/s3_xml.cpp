#include "objstore/s3_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <cstring>
#include <ctime>
#include <sstream>

namespace objstore {
namespace {

util::Result<pugi::xml_node> load_root(pugi::xml_document& doc, std::string_view xml, const char* root_name) {
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return util::corruption(std::string("malformed S3 XML (") + r.description() + " at byte " +
                            std::to_string(r.offset) + ")");
  }
  pugi::xml_node root = doc.document_element();
  if (std::strcmp(root.name(), root_name) != 0) {
    return util::corruption(std::string("S3 XML: expected <") + root_name + ">, got <" + root.name() + ">");
  }
  return root;
}

std::string text_of(const pugi::xml_node& parent, const char* name) { return parent.child(name).text().as_string(); }

util::Result<uint64_t> parse_size(const std::string& s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return util::corruption("S3 XML: bad <Size> \"" + s + "\"");
  return v;
}

}  // namespace

util::Result<ListPage> parse_list_objects_v2(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "ListBucketResult");
  if (!root.ok()) return root.status_error();
  ListPage page;
  for (pugi::xml_node c : root->children("Contents")) {
    ListEntry e;
    e.key = text_of(c, "Key");
    if (e.key.empty()) return util::corruption("S3 XML: <Contents> without a <Key>");
    auto size = parse_size(text_of(c, "Size"));
    if (!size.ok()) return size.status_error();
    e.size = *size;
    std::string modified = text_of(c, "LastModified");
    if (!modified.empty()) {
      auto t = parse_iso8601_time(modified);
      if (!t.ok()) return t.status_error();
      e.last_modified_ns = *t;
    }
    page.objects.push_back(std::move(e));
  }
  for (pugi::xml_node p : root->children("CommonPrefixes")) {
    std::string prefix = text_of(p, "Prefix");
    if (prefix.empty()) return util::corruption("S3 XML: <CommonPrefixes> without a <Prefix>");
    page.common_prefixes.push_back(std::move(prefix));
  }
  std::string truncated = text_of(*root, "IsTruncated");
  page.truncated = truncated == "true";
  page.next_continuation_token = text_of(*root, "NextContinuationToken");
  if (page.truncated && page.next_continuation_token.empty()) {
    return util::corruption("S3 XML: a truncated ListBucketResult without a NextContinuationToken");
  }
  return page;
}

util::Result<S3ErrorBody> parse_error(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "Error");
  if (!root.ok()) return root.status_error();
  S3ErrorBody e;
  e.code = text_of(*root, "Code");
  e.message = text_of(*root, "Message");
  e.request_id = text_of(*root, "RequestId");
  e.resource = text_of(*root, "Resource");
  if (e.resource.empty()) e.resource = text_of(*root, "BucketName");
  if (e.resource.empty()) e.resource = text_of(*root, "Key");
  e.endpoint = text_of(*root, "Endpoint");
  if (e.code.empty()) return util::corruption("S3 XML: <Error> without a <Code>");
  return e;
}

util::Result<DeleteResult> parse_delete_result(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "DeleteResult");
  if (!root.ok()) return root.status_error();
  DeleteResult r;
  for (pugi::xml_node d : root->children("Deleted")) r.deleted.push_back(text_of(d, "Key"));
  for (pugi::xml_node e : root->children("Error")) {
    r.errors.push_back({text_of(e, "Key"), text_of(e, "Code"), text_of(e, "Message")});
  }
  return r;
}

std::string build_delete_request(const std::vector<std::string>& keys, bool quiet) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node del = doc.append_child("Delete");
  del.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  if (quiet) del.append_child("Quiet").text().set("true");
  for (const auto& k : keys) del.append_child("Object").append_child("Key").text().set(k.c_str());
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

util::Result<int64_t> parse_iso8601_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  std::string s(text);
  struct tm tm {};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return util::corruption("S3: bad time \"" + s + "\"");
  }
  std::string_view rest = std::string_view(s).substr(static_cast<size_t>(consumed));
  int64_t nanos = 0;
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    int64_t scale = 100'000'000;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      nanos += (rest.front() - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  if (rest != "Z") return util::corruption("S3: bad time \"" + s + "\" (expected UTC, ending in Z)");
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000'000 + nanos;
}

util::Result<int64_t> parse_http_date(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return util::corruption("S3: bad HTTP date \"" + s + "\"");
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000'000;
}

}  // namespace objstore
