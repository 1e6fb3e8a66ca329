#include "logql/log/json_parser.h"

#include "logql/log/json_scan.h"
#include "logql/log/sanitize.h"
#include "model/labels.h"

namespace logql::log {

namespace {

// Not an error: returned by the walker to stop once every required label is extracted.
constexpr const char* kFoundAllLabels = "found all required labels";

// Objects nested deeper than this are an error instead of a deeper recursion (Loki's parser
// has no bound, but its goroutine stacks grow; a crafted log line must not crash a query).
constexpr int kMaxObjectDepth = 1000;
constexpr const char* kTooDeep = "Value is nested too deeply (more than 1000 objects)";

struct JsonWalker {
  LabelsBuilder& lbs;
  std::string& prefix;
  std::string& value_buf;
  std::string& name;
  std::string& key_buf;
  int depth = 0;

  const char* object(std::string_view data) {
    return json::object_each(data, key_buf, [this](std::string_view key, std::string_view value, json::Type type) {
      return member(key, value, type);
    });
  }

  const char* member(std::string_view key, std::string_view value, json::Type type) {
    switch (type) {
      case json::Type::Object: {
        size_t keep = prefix.size();
        if (!prefix.empty()) prefix += '_';
        append_sanitized(prefix, key);
        if (!lbs.should_extract_prefix(prefix)) {  // no required label lives under this object
          prefix.resize(keep);
          return nullptr;
        }
        if (depth == kMaxObjectDepth) return kTooDeep;
        std::string saved_key_buf;
        saved_key_buf.swap(key_buf);  // the nested walk reuses the key buffer
        ++depth;
        const char* err = object(value);
        --depth;
        key_buf.swap(saved_key_buf);
        prefix.resize(keep);
        return err;
      }
      case json::Type::String:
      case json::Type::Number:
      case json::Type::Boolean:
        break;
      default:
        return nullptr;  // arrays and nulls are not extracted
    }
    name = prefix;
    if (!name.empty()) name += '_';
    append_sanitized(name, key);
    if (name.empty()) return nullptr;
    if (lbs.base_has(name) || lbs.metadata_has(name)) name += kDuplicateSuffix;
    if (lbs.extracted(name) || !lbs.should_extract(name)) return nullptr;  // first value wins
    if (type == json::Type::String) {
      if (!json::unescape(value, value_buf)) value_buf.clear();
      json::replace_invalid_utf8(value_buf);
      lbs.set(LabelCategory::Parsed, name, value_buf);
    } else {
      lbs.set(LabelCategory::Parsed, name, value);
    }
    return lbs.all_required_extracted() ? kFoundAllLabels : nullptr;
  }
};

}  // namespace

bool JsonParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (lbs.parsers_disabled()) return true;
  s.a.clear();
  JsonWalker w{lbs, s.a, s.b, s.c, s.d};
  if (const char* err = w.object(line); err && err != kFoundAllLabels) lbs.set_parse_error(kErrJson, err);
  return true;
}

util::Result<std::vector<JsonPathStep>> parse_json_path(std::string_view e) {
  std::vector<JsonPathStep> path;
  auto fail = [&] { return util::Error{"cannot parse expression [" + std::string(e) + "]: syntax error"}; };
  size_t i = 0;
  auto ident = [&]() -> bool {
    size_t start = i;
    while (i < e.size() && e[i] != '.' && e[i] != '[' && e[i] != ']' && e[i] != '"' && e[i] != ' ') ++i;
    if (i == start) return false;
    path.emplace_back(std::string(e.substr(start, i - start)));
    return true;
  };
  auto bracket = [&]() -> bool {
    ++i;  // '['
    if (i < e.size() && e[i] == '"') {
      size_t close = e.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      path.emplace_back(std::string(e.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else {
      size_t start = i;
      int v = 0;
      while (i < e.size() && e[i] >= '0' && e[i] <= '9') v = v * 10 + (e[i++] - '0');
      if (i == start) return false;
      path.emplace_back(v);
    }
    if (i >= e.size() || e[i] != ']') return false;
    ++i;
    return true;
  };
  if (e.empty()) return fail();
  if (e[0] == '[' ? !bracket() : !ident()) return fail();
  while (i < e.size()) {
    if (e[i] == '.') {
      ++i;
      if (!ident()) return fail();
    } else if (e[i] == '[') {
      if (!bracket()) return fail();
    } else {
      return fail();
    }
  }
  return path;
}

util::Result<std::unique_ptr<JsonExpressionParserStage>> JsonExpressionParserStage::compile(
    const std::vector<ast::ExtractionParam>& params) {
  auto stage = std::make_unique<JsonExpressionParserStage>();
  for (const auto& p : params) {
    auto path = parse_json_path(p.expression);
    if (!path.ok()) return path.status_error();
    if (!model::is_valid_label_name(p.label)) return util::Error{"invalid extracted label name '" + p.label + "'"};
    stage->exprs_.push_back({p.label, std::move(*path)});
  }
  return stage;
}

namespace {

// Finds the value at `path` inside `data`; nullptr and found=false when absent.
const char* lookup(std::string_view data, const std::vector<JsonPathStep>& path, std::string& key_buf,
                   std::string_view& out, json::Type& out_type, bool& found) {
  found = false;
  std::string_view cur = data.substr(json::skip_ws(data, 0));
  json::Type type;
  {
    size_t end;
    if (cur.empty()) return json::kMalformedJson;
    if (const char* err = json::read_value(cur, cur, type, end)) return err;
  }
  for (const auto& step : path) {
    if (const std::string* key = std::get_if<std::string>(&step)) {
      if (type != json::Type::Object) return nullptr;
      bool hit = false;
      std::string_view next;
      json::Type next_type{};
      const char* err = json::object_each(cur, key_buf, [&](std::string_view k, std::string_view v, json::Type t) -> const char* {
        if (hit || k != *key) return nullptr;
        hit = true;
        next = v;
        next_type = t;
        return "";  // stop: found
      });
      if (err && *err) return err;
      if (!hit) return nullptr;
      cur = next;
      type = next_type;
    } else {
      int want = std::get<int>(step);
      if (type != json::Type::Array) return nullptr;
      size_t i = json::skip_ws(cur, 1);
      bool hit = false;
      for (int idx = 0; i < cur.size() && cur[i] != ']'; ++idx) {
        std::string_view v;
        json::Type t;
        size_t end;
        if (const char* err = json::read_value(cur.substr(i), v, t, end)) return err;
        if (idx == want) {
          cur = v;
          type = t;
          hit = true;
          break;
        }
        i = json::skip_ws(cur, i + end);
        if (i < cur.size() && cur[i] == ',') i = json::skip_ws(cur, i + 1);
      }
      if (!hit) return nullptr;
    }
  }
  found = true;
  out = cur;
  out_type = type;
  return nullptr;
}

}  // namespace

bool JsonExpressionParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (line.empty() || lbs.parsers_disabled()) return true;
  if (line[0] != '"' && line[0] != '{' && line[0] != '[') {
    lbs.set_parse_error(kErrJson);
    return true;
  }
  for (const auto& e : exprs_) {
    std::string_view value;
    json::Type type;
    bool found;
    if (const char* err = lookup(line, e.path, s.a, value, type, found)) {
      lbs.set_parse_error(kErrJson, err);
      continue;
    }
    s.b = e.label;
    if (lbs.base_has(s.b)) s.b += kDuplicateSuffix;
    if (!found) {
      if (!lbs.get(e.label)) lbs.set(LabelCategory::Parsed, e.label, "");
      continue;
    }
    switch (type) {
      case json::Type::Null:
        lbs.set(LabelCategory::Parsed, s.b, "");
        break;
      case json::Type::Object:
        lbs.set(LabelCategory::Parsed, s.b, value);
        break;
      default:
        if (!json::unescape(value, s.a)) s.a.clear();
        json::replace_invalid_utf8(s.a);
        lbs.set(LabelCategory::Parsed, s.b, s.a);
    }
  }
  return true;
}

}  // namespace logql::log
