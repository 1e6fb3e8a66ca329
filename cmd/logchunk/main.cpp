// logchunk: inspect, dump, verify, compact and recompress chunk files of a logd data directory.
// Flag parsing only; the logic is lib/maint.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "maint/chunk_inspect.h"
#include "maint/chunk_rewrite.h"
#include "maint/progress.h"
#include "model/time.h"

namespace {

int fail(const std::string& msg) {
  std::fprintf(stderr, "logchunk: %s\n", msg.c_str());
  return 1;
}

int64_t parse_time_or_exit(const std::string& text, int64_t fallback) {
  if (text.empty()) return fallback;
  auto t = model::parse_time(text);
  if (!t.ok()) {
    std::fprintf(stderr, "logchunk: %s\n", t.error().c_str());
    std::exit(2);
  }
  return *t;
}

std::vector<std::string> tenants_of(const std::string& root, const std::vector<std::string>& wanted) {
  return wanted.empty() ? maint::list_tenants(root) : wanted;
}

void print_rewrite(const char* verb, const std::string& tenant, const maint::RewriteReport& r, bool dry_run) {
  std::printf("%s: tenant %s: %zu chunks (%s) of %zu streams %s", verb, tenant.c_str(), r.chunks_in,
              model::format_bytes(r.bytes_in).c_str(), r.streams, dry_run ? "would be rewritten\n" : "rewritten");
  if (!dry_run)
    std::printf(" into %zu chunks (%s); %zu index files written, %zu removed, %zu chunk files removed\n",
                r.chunks_out, model::format_bytes(r.bytes_out).c_str(), r.applied.index_files_written,
                r.applied.index_files_removed, r.applied.chunks_removed);
  for (const auto& s : r.skipped) std::fprintf(stderr, "logchunk: %s: skipped corrupt chunk %s\n", verb, s.c_str());
  for (const auto& k : r.applied.chunks_kept)
    std::fprintf(stderr, "logchunk: %s: kept %s (an index file written meanwhile refers to it)\n", verb, k.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logchunk: chunk inspection and maintenance for a logd data directory"};
  app.require_subcommand(1);

  std::vector<std::string> files;
  auto* inspect = app.add_subcommand("inspect", "Print a chunk's header, labels, time range, blocks and compression ratio");
  inspect->add_option("files", files, "Chunk files")->required()->check(CLI::ExistingFile);

  std::string from, to;
  auto* cat = app.add_subcommand("cat", "Print a chunk's entries as jsonl (for logcli query --stdin --stdin-format=jsonl)");
  cat->add_option("files", files, "Chunk files")->required()->check(CLI::ExistingFile);
  cat->add_option("--from", from, "Only entries at or after this time (RFC3339 or unix)");
  cat->add_option("--to", to, "Only entries before this time (RFC3339 or unix)");

  auto* verify = app.add_subcommand("verify", "Check every checksum; exit 1 naming each bad block");
  verify->add_option("files", files, "Chunk files, or directories (every *.chunk below them, e.g. a data dir)")->required();

  std::string data = "./data";
  std::vector<std::string> tenants;
  std::string target = "1.5MiB";
  int level = 3;
  bool dry_run = false;
  auto* compact = app.add_subcommand("compact", "Merge small chunks of each stream into chunks of the target size");
  auto* recompress = app.add_subcommand("recompress", "Re-encode every chunk at another zstd level");
  for (auto* c : {compact, recompress}) {
    // The data dir as an operand (`logchunk compact ./data`) or with --path, not both.
    auto* path = c->add_option("--path", data, "logd data directory (common.path_prefix)")->capture_default_str();
    c->add_option("data-dir", data, "logd data directory, as --path")->excludes(path);
    c->add_option("--tenant", tenants, "Tenant to process (repeatable; default: all)");
    c->add_option("--level", level, "zstd level of the chunks written")->capture_default_str()->check(CLI::Range(-7, 22));
  }
  compact->add_option("--target-size", target, "Target chunk size (Loki's chunk_target_size)")->capture_default_str();
  compact->add_flag("--dry-run", dry_run, "Only print what would be merged");
  recompress->get_option("--level")->required();

  CLI11_PARSE(app, argc, argv);

  if (inspect->parsed()) {
    int rc = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      auto out = maint::inspect_chunk(files[i]);
      if (!out.ok()) {
        rc = fail(out.error());
        continue;
      }
      if (i) std::fputc('\n', stdout);
      std::fputs(out->c_str(), stdout);
    }
    return rc;
  }
  if (cat->parsed()) {
    int64_t start = parse_time_or_exit(from, std::numeric_limits<int64_t>::min());
    int64_t end = parse_time_or_exit(to, std::numeric_limits<int64_t>::max());
    int rc = 0;
    for (const auto& f : files) {
      auto n = maint::cat_chunk(f, start, end, stdout);
      if (!n.ok()) rc = fail(n.error());
    }
    return rc;
  }
  if (verify->parsed()) {
    int rc = 0;
    for (const auto& f : maint::expand_chunk_operands(files)) {
      auto problems = maint::verify_chunk_file(f);
      if (problems.empty()) {
        std::printf("%s: ok\n", f.c_str());
        continue;
      }
      rc = 1;
      for (const auto& p : problems) std::printf("%s: %s\n", f.c_str(), p.c_str());
    }
    return rc;
  }

  // Store-wide commands: one maintenance run at a time, beside a running logd.
  auto lock = maint::acquire_maintenance_lock(data);
  if (!lock.ok()) return fail(lock.error());
  std::string root = maint::store_root(data);
  maint::RewriteOptions options;
  options.zstd_level = level;
  auto size = model::parse_bytes(target);
  if (!size.ok() || *size < 1024) return fail("--target-size: want a size of at least 1KB, got " + target);
  options.target_chunk_size = *size;
  int rc = 0;
  for (const auto& tenant : tenants_of(root, tenants)) {
    if (compact->parsed()) {
      maint::TerminalProgress progress("compact " + tenant);
      auto r = maint::compact_tenant(root, tenant, options, dry_run, std::ref(progress));
      if (!r.ok()) {
        rc = fail("compact: tenant " + tenant + ": " + r.error());
        continue;
      }
      print_rewrite("compact", tenant, *r, dry_run);
    } else {
      maint::TerminalProgress progress("recompress " + tenant);
      auto r = maint::recompress_tenant(root, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("recompress: tenant " + tenant + ": " + r.error());
        continue;
      }
      print_rewrite("recompress", tenant, *r, false);
    }
  }
  return rc;
}
