// Glob patterns for `__path__` and `__path_exclude__`, with the semantics of the doublestar
// library Promtail uses: `*` and `?` never match `/`; `[abc]`, `[a-z]`, `[!a]`/`[^a]` classes;
// `\` escapes the next character; `**` as a whole path component matches zero or more
// directories; `{a,b}` alternatives (nestable, may contain `/`). Dot files are not special.
//
// Thread-safe: pure functions (glob_files reads the file system, nothing else).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tail {

// True when `pattern` contains a glob metacharacter (`*?[{\`): a plain path needs no walk.
bool has_glob_meta(std::string_view pattern);

// Expands `{a,b}` alternatives into plain patterns, in order ("x{a,b{c,d}}" -> xa, xbc, xbd).
// Errors on an unbalanced brace.
util::Result<std::vector<std::string>> expand_braces(std::string_view pattern);

// Whether the whole `path` matches `pattern` (doublestar.Match). Errors on a malformed pattern
// (unterminated `[` or `{`).
util::Result<bool> glob_match(std::string_view pattern, std::string_view path);

// The existing directories whose entries decide what `pattern` matches, for watching: the deepest
// existing directory of the pattern's fixed prefix (where the next component, if missing, will
// appear) and every existing directory below it that the pattern's directory components can reach
// (all of them under `**`, which does not follow symbolic links). A relative pattern yields
// relative paths ("." for the current directory). At most `max_dirs` are returned.
util::Result<std::vector<std::string>> glob_watch_dirs(std::string_view pattern, size_t max_dirs = 4096);

// The existing non-directory paths matching `pattern` (doublestar.Glob, then directories dropped
// as Promtail's file target does), sorted and unique. A relative pattern yields relative paths.
// Unreadable directories are skipped, as doublestar does.
util::Result<std::vector<std::string>> glob_files(std::string_view pattern);

}  // namespace tail
