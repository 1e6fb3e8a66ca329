// Glob matching and expansion (see glob.h). Braces are expanded first, so the matcher and the
// directory walk only deal with `*`, `?`, classes, escapes and `**` components.
#include "tail/glob.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <set>

namespace tail {
namespace {

// One UTF-8 code point at the start of `s` (s non-empty); an invalid byte counts as itself, so
// `?` and classes step over whole characters as Go's matcher does.
uint32_t decode_rune(std::string_view s, size_t& len) {
  auto b = static_cast<unsigned char>(s[0]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > s.size()) { len = 1; return b; }
  uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t i = 1; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) { len = 1; return b; }
    cp = (cp << 6) | (c & 0x3F);
  }
  len = n;
  return cp;
}

// Reads one (possibly escaped) class character at p[i]; advances i. False on a dangling escape.
bool class_char(std::string_view p, size_t& i, uint32_t& cp) {
  if (p[i] == '\\') {
    if (++i >= p.size()) return false;
  }
  size_t len = 0;
  cp = decode_rune(p.substr(i), len);
  i += len;
  return true;
}

// Matches the class starting at p[pi] == '[' against code point `c`. Sets `end` just past `]`.
// Returns -1 for a malformed class.
int match_class(std::string_view p, size_t pi, uint32_t c, size_t& end) {
  size_t i = pi + 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool matched = false, first = true;
  while (true) {
    if (i >= p.size()) return -1;
    if (p[i] == ']' && !first) break;
    first = false;
    uint32_t lo = 0, hi = 0;
    if (!class_char(p, i, lo)) return -1;
    hi = lo;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      ++i;
      if (!class_char(p, i, hi)) return -1;
    }
    if (lo <= c && c <= hi) matched = true;
  }
  end = i + 1;
  return matched != negate ? 1 : 0;
}

// Matches one path component (no '/') against one pattern component. -1: malformed pattern.
int match_segment(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        star_p = pi;
        star_s = si;
        continue;
      }
      size_t len = 0;
      uint32_t rune = decode_rune(s.substr(si), len);
      if (c == '?') {
        ++pi;
        si += len;
        continue;
      }
      if (c == '[') {
        size_t end = 0;
        int m = match_class(p, pi, rune, end);
        if (m < 0) return -1;
        if (m == 1) {
          pi = end;
          si += len;
          continue;
        }
      } else {
        if (c == '\\' && ++pi >= p.size()) return -1;
        if (p[pi] == s[si]) {
          ++pi;
          ++si;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return 0;
    // Backtrack: let the last star swallow one more character.
    size_t len = 0;
    decode_rune(s.substr(star_s), len);
    star_s += len;
    si = star_s;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size() ? 1 : 0;
}

std::vector<std::string_view> split_components(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

int match_components(const std::vector<std::string_view>& pp, size_t pi, const std::vector<std::string_view>& sp,
                     size_t si) {
  if (pi == pp.size()) return si == sp.size() ? 1 : 0;
  if (pp[pi] == "**") {
    for (size_t k = si; k <= sp.size(); ++k) {
      int m = match_components(pp, pi + 1, sp, k);
      if (m != 0) return m;
    }
    return 0;
  }
  if (si == sp.size()) return 0;
  int m = match_segment(pp[pi], sp[si]);
  if (m != 1) return m;
  return match_components(pp, pi + 1, sp, si + 1);
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::string join(const std::string& dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out = dir;
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

bool is_directory(const std::string& path, bool follow) {
  struct stat st;
  int rc = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  return rc == 0 && S_ISDIR(st.st_mode);
}

// Walks the file system matching parts[idx..] below `dir` ("" = current directory).
void walk(const std::string& dir, const std::vector<std::string_view>& parts, size_t idx,
          std::vector<std::string>& out) {
  if (idx == parts.size()) {
    struct stat st;
    if (!dir.empty() && ::stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) out.push_back(dir);
    return;
  }
  std::string_view part = parts[idx];
  if (part.empty()) {  // "a//b" or a trailing slash: the component adds nothing
    walk(dir, parts, idx + 1, out);
    return;
  }
  if (!has_glob_meta(part)) {
    walk(join(dir, unescape(part)), parts, idx + 1, out);
    return;
  }
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (part == "**") {
      std::string child = join(dir, name);
      // Symbolic links to directories are not descended into: a link loop would never end.
      if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && is_directory(child, false))) {
        children.push_back(std::move(child));
      }
    } else if (match_segment(part, name) == 1) {
      children.push_back(join(dir, name));
    }
  }
  ::closedir(d);
  if (part == "**") {
    walk(dir, parts, idx + 1, out);  // zero directories
    for (const auto& child : children) walk(child, parts, idx, out);  // one more
  } else {
    for (const auto& child : children) walk(child, parts, idx + 1, out);
  }
}

// Collects `dir` (which exists) and the directories below it that parts[idx..] can descend into;
// parts.back() names files, so it is never descended into.
void walk_dirs(const std::string& dir, const std::vector<std::string_view>& parts, size_t idx,
               std::set<std::string>& out, size_t max_dirs) {
  if (out.size() >= max_dirs || !out.insert(dir.empty() ? "." : dir).second) return;
  if (idx + 1 >= parts.size()) return;
  std::string_view part = parts[idx];
  if (part.empty()) {
    walk_dirs(dir, parts, idx + 1, out, max_dirs);
    return;
  }
  if (!has_glob_meta(part)) {
    std::string child = join(dir, unescape(part));
    if (is_directory(child, true)) walk_dirs(child, parts, idx + 1, out, max_dirs);
    return;
  }
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string child = join(dir, name);
    if (part == "**") {
      if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && is_directory(child, false))) children.push_back(child);
    } else if (match_segment(part, name) == 1 && is_directory(child, true)) {
      children.push_back(child);
    }
  }
  ::closedir(d);
  if (part == "**") {
    walk_dirs(dir, parts, idx + 1, out, max_dirs);
    for (const auto& child : children) walk_dirs(child, parts, idx, out, max_dirs);
  } else {
    for (const auto& child : children) walk_dirs(child, parts, idx + 1, out, max_dirs);
  }
}

util::Status validate(std::string_view pattern) {
  for (const auto& part : split_components(pattern)) {
    // Matching an empty name exercises nothing; scan classes and escapes explicitly instead.
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '\\') {
        if (++i >= part.size()) return util::Error{"glob pattern ends with a dangling escape: " + std::string(pattern)};
      } else if (part[i] == '[') {
        size_t end = 0;
        if (match_class(part, i, 0, end) < 0) {
          return util::Error{"unterminated character class in glob pattern: " + std::string(pattern)};
        }
        i = end - 1;
      }
    }
  }
  return util::Status::Ok();
}

}  // namespace

bool has_glob_meta(std::string_view pattern) {
  return pattern.find_first_of("*?[{\\") != std::string_view::npos;
}

util::Result<std::vector<std::string>> expand_braces(std::string_view pattern) {
  // Find the first top-level '{' (skipping escapes and classes) and its matching '}'.
  size_t open = std::string_view::npos;
  int depth = 0;
  std::vector<size_t> commas;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '{') {
      if (depth++ == 0) open = i;
    } else if (c == '}' && depth > 0) {
      if (--depth == 0) {
        std::vector<std::string> out;
        std::string_view head = pattern.substr(0, open), tail = pattern.substr(i + 1);
        size_t start = open + 1;
        commas.push_back(i);
        for (size_t comma : commas) {
          std::string alt(head);
          alt += pattern.substr(start, comma - start);
          alt += tail;
          auto expanded = expand_braces(alt);
          if (!expanded.ok()) return expanded;
          for (auto& e : *expanded) out.push_back(std::move(e));
          start = comma + 1;
        }
        return out;
      }
    } else if (c == ',' && depth == 1) {
      commas.push_back(i);
    }
  }
  if (depth != 0) return util::Error{"unterminated '{' in glob pattern: " + std::string(pattern)};
  return std::vector<std::string>{std::string(pattern)};
}

util::Result<bool> glob_match(std::string_view pattern, std::string_view path) {
  auto patterns = expand_braces(pattern);
  if (!patterns.ok()) return patterns.status_error();
  auto names = split_components(path);
  for (const auto& p : *patterns) {
    if (auto st = validate(p); !st.ok()) return st.status_error();
    if (match_components(split_components(p), 0, names, 0) == 1) return true;
  }
  return false;
}

namespace {

// Expands `pattern`'s braces and calls fn(parts, root, first) for each alternative, validated:
// its components, "/" or "" (relative) and the index of the first component below the root.
template <class Fn>
util::Status for_each_alternative(std::string_view pattern, Fn&& fn) {
  auto patterns = expand_braces(pattern);
  if (!patterns.ok()) return patterns.status_error();
  for (const auto& p : *patterns) {
    if (auto st = validate(p); !st.ok()) return st.status_error();
    const bool absolute = !p.empty() && p[0] == '/';
    fn(split_components(p), std::string(absolute ? "/" : ""), size_t{absolute ? 1u : 0u});
  }
  return {};
}

}  // namespace

util::Result<std::vector<std::string>> glob_watch_dirs(std::string_view pattern, size_t max_dirs) {
  std::set<std::string> out;
  auto st = for_each_alternative(pattern, [&](const auto& parts, std::string dir, size_t idx) {
    // Skip the fixed prefix's existing directories: their other entries never matter.
    while (idx + 1 < parts.size() && (parts[idx].empty() || !has_glob_meta(parts[idx]))) {
      std::string child = parts[idx].empty() ? dir : join(dir, unescape(parts[idx]));
      if (!is_directory(child, true)) break;
      dir = std::move(child);
      ++idx;
    }
    walk_dirs(dir, parts, idx, out, max_dirs);
  });
  if (!st.ok()) return st.status_error();
  return std::vector<std::string>(out.begin(), out.end());
}

util::Result<std::vector<std::string>> glob_files(std::string_view pattern) {
  std::vector<std::string> out;
  auto st = for_each_alternative(pattern, [&](const auto& parts, const std::string& root, size_t first) {
    walk(root, parts, first, out);
  });
  if (!st.ok()) return st.status_error();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tail
