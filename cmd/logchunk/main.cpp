// logchunk: inspect, dump, verify, compact and recompress the chunks of a logd store (chunk files,
// a data directory, or an S3 bucket). Flag parsing only; the logic is lib/maint.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "fsutil/mapped_file.h"
#include "index/index_format.h"
#include "maint/chunk_inspect.h"
#include "maint/chunk_rewrite.h"
#include "maint/maintenance_lock.h"
#include "maint/pending_deletions.h"
#include "maint/progress.h"
#include "model/time.h"
#include "store/writer_id.h"

namespace {

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "logchunk: %s\n", msg.c_str());
  return code;
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

void print_rewrite(const char* verb, const std::string& tenant, const maint::RewriteReport& r, bool dry_run) {
  std::printf("%s: tenant %s: %zu chunks (%s) of %zu streams %s", verb, tenant.c_str(), r.chunks_in,
              model::format_bytes(r.bytes_in).c_str(), r.streams, dry_run ? "would be rewritten\n" : "rewritten");
  if (!dry_run)
    std::printf(" into %zu chunks (%s); %zu index files written, %zu removed, %zu chunk files removed\n",
                r.chunks_out, model::format_bytes(r.bytes_out).c_str(), r.applied.index_files_written,
                r.applied.index_files_removed, r.applied.chunks_removed);
  if (r.applied.index_files_deferred + r.applied.chunks_deferred > 0)
    std::printf("%s: tenant %s: %zu index files and %zu chunks to be deleted after the delete delay\n", verb,
                tenant.c_str(), r.applied.index_files_deferred, r.applied.chunks_deferred);
  for (const auto& s : r.skipped) std::fprintf(stderr, "logchunk: %s: skipped corrupt chunk %s\n", verb, s.c_str());
  for (const auto& k : r.applied.chunks_kept)
    std::fprintf(stderr, "logchunk: %s: kept %s (an index file still refers to it: written meanwhile, or other chunks of its segment)\n", verb, k.c_str());
}

// The chunks of one operand: a chunk file, a segment file (each chunk in it), or one chunk of a
// segment as the index names it ("<segment>@<offset>+<length>"); with --store, object keys
// (<tenant>/chunks/<YYYY-MM-DD>/<name>) read from the store.
maint::ObjectChunks open_argument(const maint::Target* target, const std::string& arg) {
  std::string object = arg;
  uint64_t offset = 0, length = 0;
  if (auto at = arg.rfind('@'); at != std::string::npos) {
    if (auto loc = idx::parse_chunk_id(arg)) {
      object = loc->file;
      offset = loc->offset;
      length = loc->length;
    }
  }
  auto failed = [&](util::Error e) {
    maint::ObjectChunks out;
    out.chunks.push_back({arg, std::move(e)});
    return out;
  };
  if (!target) {
    auto f = fsutil::MappedFile::open(object);
    if (!f.ok()) return failed(f.status_error());
    auto file = std::make_shared<const fsutil::MappedFile>(std::move(*f));
    std::string_view bytes = file->data();
    return maint::chunks_of_object(object, bytes, std::move(file), offset, length);
  }
  auto data = target->bucket->get(object);
  if (!data.ok()) return failed(util::Error{target->bucket->name() + "/" + object + ": " + data.error(), data.code()});
  auto owned = std::make_shared<const std::string>(std::move(*data));
  return maint::chunks_of_object(object, *owned, owned, offset, length);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logchunk: chunk inspection and maintenance for a logd store (a data directory or s3://bucket/prefix)"};
  app.require_subcommand(1);

  std::vector<std::string> files;
  std::string location;
  const char* kStoreHelp =
      "Read the chunks from this store (a logd data directory or s3://bucket/prefix, credentials from AWS_*); "
      "they are then object keys, <tenant>/chunks/<YYYY-MM-DD>/<name>";
  auto* inspect = app.add_subcommand(
      "inspect", "Print a chunk's header, labels, time range, blocks and compression ratio (each chunk of a segment)");
  inspect->add_option("files", files, "Chunk or segment files, or SEGMENT@OFFSET+LENGTH (or keys with --store)")->required();

  std::string from, to;
  auto* cat = app.add_subcommand("cat", "Print a chunk's entries as jsonl (for logcli query --stdin --stdin-format=jsonl)");
  cat->add_option("files", files, "Chunk or segment files, or SEGMENT@OFFSET+LENGTH (or keys with --store)")->required();
  cat->add_option("--from", from, "Only entries at or after this time (RFC3339 or unix)");
  cat->add_option("--to", to, "Only entries before this time (RFC3339 or unix)");

  auto* verify = app.add_subcommand("verify", "Check every checksum; exit 1 naming each bad block");
  verify->add_option("files", files,
                     "Chunk or segment files, or directories (every *.chunk and *.seg below them, e.g. a data "
                     "dir); keys with --store")
      ->required();
  for (auto* c : {inspect, cat, verify}) c->add_option("--store", location, kStoreHelp);

  std::string data = "./data";
  std::vector<std::string> tenants;
  std::string target_size = "1.5MiB";
  int level = 3;
  bool dry_run = false;
  std::string delete_delay = "10m";
  auto* compact = app.add_subcommand("compact", "Merge small chunks of each stream into chunks of the target size");
  auto* recompress = app.add_subcommand("recompress", "Re-encode every chunk at another zstd level");
  for (auto* c : {compact, recompress}) {
    // The store as an operand (`logchunk compact ./data`), with --path or with --store: one of them.
    auto* path = c->add_option("--path", data, "logd data directory (common.path_prefix)")->capture_default_str();
    auto* store = c->add_option("--store", location,
                                "The store: a logd data directory, or s3://bucket/prefix (credentials from AWS_*)")
                      ->excludes(path);
    c->add_option("data-dir", data, "logd data directory, as --path")->excludes(path)->excludes(store);
    c->add_option("--tenant", tenants, "Tenant to process (repeatable; default: all)");
    c->add_option("--level", level, "zstd level of the chunks written")->capture_default_str()->check(CLI::Range(-7, 22));
    c->add_option("--delete-delay", delete_delay,
                  "S3: keep replaced objects this long for readers that listed them; the next logidx or logchunk "
                  "run or logd's compactor deletes them (0: at once)")
        ->capture_default_str();
  }
  compact->add_option("--target-size", target_size, "Target chunk size (Loki's chunk_target_size)")->capture_default_str();
  compact->add_flag("--dry-run", dry_run, "Only print what would be merged");
  recompress->get_option("--level")->required();

  CLI11_PARSE(app, argc, argv);

  if (inspect->parsed() || cat->parsed() || verify->parsed()) {
    std::optional<maint::Target> target;
    if (!location.empty()) {
      auto t = maint::open_target(location);
      if (!t.ok()) return fail(t.error(), util::exit_code_of(t.code()));
      target = std::move(*t);
    }
    const maint::Target* tp = target ? &*target : nullptr;
    int64_t start = parse_time_or_exit(from, std::numeric_limits<int64_t>::min());
    int64_t end = parse_time_or_exit(to, std::numeric_limits<int64_t>::max());
    int rc = 0;
    // Directories stand for every chunk file below them; with --store operands are object keys.
    if (!tp && verify->parsed()) files = maint::expand_chunk_operands(files);
    size_t printed = 0;
    for (const std::string& operand : files) {
      auto object = open_argument(tp, operand);
      if (inspect->parsed() && object.segment) {
        if (printed++) std::fputc('\n', stdout);
        std::printf("segment %s: %zu chunks\n", operand.c_str(), object.chunks.size());
      }
      for (auto& [f, reader] : object.chunks) {
        if (verify->parsed()) {
          auto problems = maint::verify_chunk(f, reader);
          if (problems.empty()) {
            std::printf("%s: ok\n", f.c_str());
            continue;
          }
          rc = 1;
          for (const auto& p : problems) std::printf("%s: %s\n", f.c_str(), p.c_str());
          continue;
        }
        if (!reader.ok()) {
          rc = fail(reader.error().rfind(f, 0) == 0 || tp ? reader.error() : f + ": " + reader.error());
          continue;
        }
        if (inspect->parsed()) {
          if (printed++) std::fputc('\n', stdout);
          std::fputs(maint::describe_chunk(f, *reader).c_str(), stdout);
        } else if (auto n = maint::cat_chunk(f, *reader, start, end, stdout); !n.ok()) {
          rc = fail(n.error());
        }
      }
    }
    return rc;
  }

  // Store-wide commands: one maintenance run at a time, beside running logd processes.
  std::string data_dir;
  auto target = maint::open_target(location.empty() ? data : location, &data_dir);
  if (!target.ok()) return fail(target.error(), util::exit_code_of(target.code()));
  target->writer_id = store::random_writer_id("logchunk-");
  if (!target->local()) {
    auto d = model::parse_duration(delete_delay);
    if (!d.ok() || *d < 0) return fail("--delete-delay: " + (d.ok() ? std::string("negative") : d.error()), 2);
    target->delete_delay_ns = *d;
  }
  auto lock = maint::lock_store(*target, data_dir, target->writer_id);
  if (!lock.ok()) return fail(lock.error());
  maint::RewriteOptions options;
  options.zstd_level = level;
  auto size = model::parse_bytes(target_size);
  if (!size.ok() || *size < 1024) return fail("--target-size: want a size of at least 1KB, got " + target_size, 2);
  options.target_chunk_size = *size;
  std::vector<std::string> todo = tenants;
  if (todo.empty()) {
    auto all = maint::list_tenants(*target);
    if (!all.ok()) return fail(all.error());
    todo = std::move(*all);
  }
  int rc = 0;
  for (const auto& tenant : todo) {
    if (!dry_run) {
      if (auto settled = maint::settle_pending_deletions(*target, tenant); !settled.ok()) {
        rc = fail("tenant " + tenant + ": pending deletions: " + settled.error());
        continue;
      }
    }
    if (compact->parsed()) {
      maint::TerminalProgress progress("compact " + tenant);
      auto r = maint::compact_tenant(*target, tenant, options, dry_run, std::ref(progress));
      if (!r.ok()) {
        rc = fail("compact: tenant " + tenant + ": " + r.error());
        continue;
      }
      print_rewrite("compact", tenant, *r, dry_run);
    } else {
      maint::TerminalProgress progress("recompress " + tenant);
      auto r = maint::recompress_tenant(*target, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("recompress: tenant " + tenant + ": " + r.error());
        continue;
      }
      print_rewrite("recompress", tenant, *r, false);
    }
  }
  return rc;
}
