#include "objstore/filesystem_listing.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "fsutil/atomic_file.h"

namespace objstore {
namespace {

struct DirEntry {
  std::string sort_name;  // the name, with "/" appended for a directory
  bool is_dir = false;
};

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The entries of `dir` sorted in key order; ENOENT (removed meanwhile) reads as empty.
util::Result<std::vector<DirEntry>> read_sorted(const std::string& dir) {
  std::vector<DirEntry> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT || errno == ENOTDIR) return out;
    return util::unavailable("list " + dir + ": " + std::strerror(errno));
  }
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
      struct stat st;
      if (::stat((dir + "/" + name).c_str(), &st) != 0) continue;  // gone meanwhile
      is_dir = S_ISDIR(st.st_mode);
      if (!is_dir && !S_ISREG(st.st_mode)) continue;
    } else if (!is_dir && e->d_type != DT_REG) {
      continue;  // sockets, fifos, devices: not objects
    }
    if (!is_dir && fsutil::is_atomic_write_temporary(name)) continue;
    out.push_back({is_dir ? name + "/" : std::move(name), is_dir});
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return util::unavailable("list " + dir + ": " + std::strerror(err));
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.sort_name < b.sort_name; });
  return out;
}

class TreeLister {
 public:
  TreeLister(const std::string& root, const ListOptions& options, const ListCallback& callback, std::stop_token stop)
      : root_(root), options_(options), callback_(callback), stop_(stop) {}

  util::Status run() {
    // Start at the deepest directory the prefix names whole ("a/b/" of "a/b/c").
    size_t slash = options_.prefix.rfind('/');
    std::string start = slash == std::string::npos ? "" : options_.prefix.substr(0, slash + 1);
    walk(start);
    return status_;
  }

 private:
  // Walks the directory holding the keys that start with `dir_key` ("" or ending in '/').
  // Returns false once the listing is over (stopped, cancelled or failed).
  bool walk(const std::string& dir_key) {
    auto entries = read_sorted(dir_key.empty() ? root_ : root_ + "/" + dir_key.substr(0, dir_key.size() - 1));
    if (!entries.ok()) return fail(entries.status_error());
    for (const DirEntry& e : *entries) {
      if (stop_.stop_requested()) return fail(util::cancelled("list " + options_.prefix + ": cancelled"));
      std::string full = dir_key + e.sort_name;
      bool keep_going = e.is_dir ? visit_dir(full) : visit_file(full);
      if (!keep_going) return false;
    }
    return true;
  }

  bool visit_dir(const std::string& full) {
    const std::string& prefix = options_.prefix;
    if (!full.starts_with(prefix)) {
      // On the way down to the prefix ("a/" for prefix "a/b"), or beside it.
      return prefix.starts_with(full) ? walk(full) : true;
    }
    const std::string& after = options_.start_after;
    if (after > full && !after.starts_with(full)) return true;  // every key below is <= start_after
    if (!options_.delimiter.empty()) {
      size_t at = full.find(options_.delimiter, prefix.size());
      if (at != std::string::npos) {
        // Every key below rolls up into the same common prefix.
        std::string common = full.substr(0, at + options_.delimiter.size());
        if (common == last_common_prefix_) return true;
        auto any = has_key_after(full);
        if (!any.ok()) return fail(any.status_error());
        return *any ? emit_prefix(std::move(common)) : true;
      }
    }
    return walk(full);
  }

  bool visit_file(const std::string& key) {
    if (!key.starts_with(options_.prefix) || key <= options_.start_after) return true;
    if (!options_.delimiter.empty()) {
      size_t at = key.find(options_.delimiter, options_.prefix.size());
      if (at != std::string::npos) {
        std::string common = key.substr(0, at + options_.delimiter.size());
        return common == last_common_prefix_ ? true : emit_prefix(std::move(common));
      }
    }
    struct stat st;
    if (::stat((root_ + "/" + key).c_str(), &st) != 0) {
      if (errno == ENOENT) return true;  // removed meanwhile
      return fail(util::unavailable("list: stat " + root_ + "/" + key + ": " + std::strerror(errno)));
    }
    ListEntry entry{key, false, static_cast<uint64_t>(st.st_size), mtime_ns(st)};
    if (!callback_(entry)) return stopped();
    return true;
  }

  // Whether the directory `dir_key` holds (at any depth) a key greater than start_after.
  util::Result<bool> has_key_after(const std::string& dir_key) {
    auto entries = read_sorted(root_ + "/" + dir_key.substr(0, dir_key.size() - 1));
    if (!entries.ok()) return entries.status_error();
    for (auto it = entries->rbegin(); it != entries->rend(); ++it) {  // the greatest keys first
      std::string full = dir_key + it->sort_name;
      if (!it->is_dir) {
        if (full > options_.start_after) return true;
        continue;
      }
      const std::string& after = options_.start_after;
      if (after > full && !after.starts_with(full)) continue;
      auto below = has_key_after(full);
      if (!below.ok() || *below) return below;
    }
    return false;
  }

  bool emit_prefix(std::string common) {
    last_common_prefix_ = common;
    ListEntry entry;
    entry.key = std::move(common);
    entry.is_prefix = true;
    if (!callback_(entry)) return stopped();
    return true;
  }

  bool fail(util::Error e) {
    status_ = std::move(e);
    return false;
  }
  bool stopped() { return false; }

  const std::string& root_;
  const ListOptions& options_;
  const ListCallback& callback_;
  std::stop_token stop_;
  std::string last_common_prefix_;
  util::Status status_;
};

}  // namespace

util::Status list_directory_tree(const std::string& root, const ListOptions& options, const ListCallback& callback,
                                 std::stop_token stop) {
  return TreeLister(root, options, callback, stop).run();
}

}  // namespace objstore
