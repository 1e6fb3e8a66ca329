// logidx: index maintenance for a logd data directory (rebuild, verify, stats, retention,
// delete), safe to run from cron beside a running logd. Flag parsing only; the logic is
// lib/maint.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "maint/index_rebuild.h"
#include "maint/index_stats.h"
#include "maint/index_verify.h"
#include "maint/progress.h"
#include "maint/retention.h"
#include "model/time.h"
#include "util/clock.h"

namespace {

int fail(const std::string& msg) {
  std::fprintf(stderr, "logidx: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logidx: index maintenance for a logd data directory"};
  app.require_subcommand(1);
  std::string data = "./data";
  std::vector<std::string> tenants;
  bool dry_run = false;

  auto* rebuild = app.add_subcommand("rebuild", "Recreate the index of a tenant's periods from its chunk files");
  std::vector<std::string> periods;
  rebuild->add_option("--period", periods, "Period to rebuild, YYYY-MM-DD (repeatable; default: all)");

  auto* verify = app.add_subcommand("verify", "Check that index and chunks agree; exit 1 listing the problems");
  std::string grace = "5m";
  bool headers_only = false, remove_orphans = false;
  verify->add_option("--grace", grace, "Ignore unindexed chunk files younger than this (logd indexes them right after)")
      ->capture_default_str();
  verify->add_flag("--headers-only", headers_only, "Do not decompress blocks (faster, checks less)");
  verify->add_flag("--remove-orphans", remove_orphans, "Delete chunk files no index refers to (older than the grace)");

  auto* stats = app.add_subcommand("stats", "Series, chunks, bytes and label cardinality per tenant");
  size_t top = 10;
  std::string output = "text";
  stats->add_option("--top", top, "How many label values to list by series count")->capture_default_str();
  stats->add_option("-o,--output", output, "text or json (one object per tenant and line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  auto* retention = app.add_subcommand("retention", "Delete chunks past their retention period");
  std::string retention_period, now_text;
  std::vector<std::string> rules;
  retention->add_option("--retention", retention_period, "Retention for streams no rule matches (e.g. 744h; default: forever)");
  retention->add_option("--rule", rules, "Per-stream rule SELECTOR=DURATION[@PRIORITY], e.g. '{app=\"debug\"}=24h' (repeatable)");
  retention->add_option("--now", now_text, "Evaluate as of this time (RFC3339 or unix; default: now)");

  auto* del = app.add_subcommand("delete", "Delete the entries of matching streams in a time range [from, to)");
  std::string selector, from, to;
  del->add_option("--selector", selector, "LogQL stream selector, e.g. '{app=\"api\"}'")->required();
  del->add_option("--from", from, "Start, inclusive (RFC3339 or unix)")->required();
  del->add_option("--to", to, "End, exclusive (RFC3339 or unix)")->required();

  for (auto* c : {rebuild, verify, stats, retention, del}) {
    // The data dir as an operand (`logidx verify ./data`) or with --path, not both.
    auto* path = c->add_option("--path", data, "logd data directory (common.path_prefix)")->capture_default_str();
    c->add_option("data-dir", data, "logd data directory, as --path")->excludes(path);
    c->add_option("--tenant", tenants, "Tenant (repeatable; default: every tenant in the store)");
  }
  for (auto* c : {rebuild, retention, del}) c->add_flag("--dry-run", dry_run, "Only list what would change");

  CLI11_PARSE(app, argc, argv);

  std::string root = maint::store_root(data);
  std::vector<std::string> todo = tenants.empty() ? maint::list_tenants(root) : tenants;
  for (const auto& t : todo)
    if (auto s = store::check_tenant_dir_name(t); !s.ok()) return fail(s.error());

  if (stats->parsed()) {  // read-only: no lock
    for (const auto& tenant : todo) {
      auto st = maint::tenant_stats(root, tenant, top);
      if (!st.ok()) return fail("stats: tenant " + tenant + ": " + st.error());
      std::string out = output == "json" ? maint::format_stats_json(*st) + "\n" : maint::format_stats_text(*st);
      std::fputs(out.c_str(), stdout);
    }
    return 0;
  }

  auto lock = maint::acquire_maintenance_lock(data);
  if (!lock.ok()) return fail(lock.error());
  int rc = 0;

  if (rebuild->parsed()) {
    maint::RebuildOptions options;
    options.dry_run = dry_run;
    for (const auto& p : periods) {
      auto n = store::parse_period_dir_name(p);
      if (!n) return fail("--period: want YYYY-MM-DD, got " + p);
      options.periods.insert(*n);
    }
    for (const auto& tenant : todo) {
      maint::TerminalProgress progress("rebuild " + tenant);
      auto r = maint::rebuild_index(root, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("rebuild: tenant " + tenant + ": " + r.error());
        continue;
      }
      for (const auto& s : r->skipped) std::fprintf(stderr, "logidx: rebuild: skipped chunk %s\n", s.c_str());
      std::printf("rebuild: tenant %s: %zu chunks of %zu series %s; %zu index files written, %zu removed\n",
                  tenant.c_str(), r->chunks_indexed, r->series, dry_run ? "would be indexed" : "indexed",
                  r->applied.index_files_written, r->applied.index_files_removed);
      if (!r->skipped.empty()) rc = 1;
    }
    return rc;
  }

  if (verify->parsed()) {
    maint::VerifyOptions options;
    options.now = util::system_clock().now_ns();
    auto g = model::parse_duration(grace);
    if (!g.ok()) return fail("--grace: " + g.error());
    options.grace = *g;
    options.check_blocks = !headers_only;
    options.remove_orphans = remove_orphans;
    for (const auto& tenant : todo) {
      maint::TerminalProgress progress("verify " + tenant);
      auto r = maint::verify_index(root, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("verify: tenant " + tenant + ": " + r.error());
        continue;
      }
      for (const auto& p : r->problems) std::printf("tenant %s: %s\n", tenant.c_str(), p.c_str());
      for (const auto& o : r->orphans)
        std::printf("tenant %s: chunk %s: not indexed%s\n", tenant.c_str(), o.c_str(),
                    remove_orphans ? " (removed)" : "");
      std::printf("verify: tenant %s: %zu index files, %zu chunk refs, %zu chunk files: %zu problems, %zu unindexed\n",
                  tenant.c_str(), r->index_files, r->refs, r->chunk_files, r->problems.size(), r->orphans.size());
      // Orphans that were removed are repaired; everything else makes the run fail.
      if (!r->problems.empty() || (!r->orphans.empty() && !remove_orphans)) rc = 1;
    }
    return rc;
  }

  if (retention->parsed()) {
    maint::RetentionOptions options;
    options.dry_run = dry_run;
    options.now = util::system_clock().now_ns();
    if (!now_text.empty()) {
      auto t = model::parse_time(now_text);
      if (!t.ok()) return fail("--now: " + t.error());
      options.now = *t;
    }
    if (!retention_period.empty()) {
      auto d = model::parse_duration(retention_period);
      if (!d.ok() || *d < 0) return fail("--retention: " + (d.ok() ? std::string("negative") : d.error()));
      options.retention_period = *d;
    }
    for (const auto& text : rules) {
      auto r = maint::parse_retention_rule(text);
      if (!r.ok()) return fail("--rule: " + r.error());
      options.rules.push_back(std::move(*r));
    }
    if (options.retention_period == 0 && options.rules.empty()) return fail("retention: give --retention and/or --rule");
    for (const auto& tenant : todo) {
      auto r = maint::apply_retention(root, tenant, options);
      if (!r.ok()) {
        rc = fail("retention: tenant " + tenant + ": " + r.error());
        continue;
      }
      uint64_t entries = 0;
      for (const auto& e : r->expired) {
        entries += e.ref.entries;
        std::printf("%s %s %s through %s (retention %s)\n", dry_run ? "would delete" : "deleted", tenant.c_str(),
                    e.ref.file.c_str(), model::format_rfc3339nano(e.ref.max_time).c_str(),
                    model::format_duration_prometheus(e.retention).c_str());
      }
      std::printf("retention: tenant %s: %zu chunks (%llu entries) %s\n", tenant.c_str(), r->expired.size(),
                  static_cast<unsigned long long>(entries), dry_run ? "would be deleted" : "deleted");
      for (const auto& k : r->applied.chunks_kept)
        std::fprintf(stderr, "logidx: retention: kept %s (an index file written meanwhile refers to it)\n", k.c_str());
    }
    return rc;
  }

  // delete
  maint::DeleteOptions options;
  options.dry_run = dry_run;
  auto ms = maint::parse_selector(selector);
  if (!ms.ok()) return fail(ms.error());
  options.matchers = std::move(*ms);
  auto start = model::parse_time(from);
  if (!start.ok()) return fail("--from: " + start.error());
  auto end = model::parse_time(to);
  if (!end.ok()) return fail("--to: " + end.error());
  options.start = *start;
  options.end = *end;
  for (const auto& tenant : todo) {
    maint::TerminalProgress progress("delete " + tenant);
    auto r = maint::delete_entries(root, tenant, options, std::ref(progress));
    if (!r.ok()) {
      rc = fail("delete: tenant " + tenant + ": " + r.error());
      continue;
    }
    const char* verb = dry_run ? "would " : "";
    for (const auto& f : r->chunks_deleted) std::printf("%sdelete %s %s\n", verb, tenant.c_str(), f.c_str());
    for (const auto& f : r->chunks_rewritten) std::printf("%srewrite %s %s\n", verb, tenant.c_str(), f.c_str());
    for (const auto& s : r->skipped) std::fprintf(stderr, "logidx: delete: skipped corrupt chunk %s\n", s.c_str());
    std::printf("delete: tenant %s: %llu entries %s (%zu chunks deleted, %zu rewritten)\n", tenant.c_str(),
                static_cast<unsigned long long>(r->entries_deleted), dry_run ? "would be deleted" : "deleted",
                r->chunks_deleted.size(), r->chunks_rewritten.size());
    if (!r->skipped.empty()) rc = 1;
  }
  return rc;
}
