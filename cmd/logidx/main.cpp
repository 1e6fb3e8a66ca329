// logidx: index maintenance for a logd store (rebuild, verify, stats, compact, retention,
// delete), on a data directory or an S3 bucket, safe to run from cron beside running logd
// processes. Flag parsing only; the logic and the report wording are lib/maint.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "maint/index_compact.h"
#include "maint/index_rebuild.h"
#include "maint/index_report.h"
#include "maint/index_stats.h"
#include "maint/index_verify.h"
#include "maint/maintenance_lock.h"
#include "maint/pending_deletions.h"
#include "maint/progress.h"
#include "maint/retention.h"
#include "model/time.h"
#include "store/writer_id.h"

namespace {

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "logidx: %s\n", msg.c_str());
  return code;
}

// Prints one tenant's report; returns the exit code it asks for.
int print(const maint::TenantReportText& text) {
  std::fputs(text.err.c_str(), stderr);
  std::fputs(text.out.c_str(), stdout);
  return text.failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logidx: index maintenance for a logd store (a data directory or s3://bucket/prefix)"};
  app.require_subcommand(1);
  std::string data = "./data", location;
  std::vector<std::string> tenants;
  bool dry_run = false;
  std::string delete_delay;

  auto* rebuild = app.add_subcommand("rebuild", "Recreate the index of a tenant's periods from its chunks");
  std::vector<std::string> periods;
  rebuild->add_option("--period", periods, "Period to rebuild, YYYY-MM-DD (repeatable; default: all)");

  auto* verify = app.add_subcommand("verify", "Check that index and chunks agree; exit 1 listing the problems");
  std::string grace = "5m";
  bool headers_only = false, remove_orphans = false;
  verify->add_option("--grace", grace, "Ignore unindexed chunks younger than this (logd indexes them right after)")
      ->capture_default_str();
  verify->add_flag("--headers-only", headers_only, "Do not decompress blocks (faster, checks less)");
  verify->add_flag("--remove-orphans", remove_orphans, "Delete chunks no index refers to (older than the grace)");

  auto* stats = app.add_subcommand("stats", "Series, chunks, bytes and label cardinality per tenant");
  size_t top = 10;
  std::string output = "text";
  stats->add_option("--top", top, "How many label values to list by series count")->capture_default_str();
  stats->add_option("-o,--output", output, "text or json (one object per tenant and line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  auto* compact = app.add_subcommand("compact", "Merge each day's index files into one (Loki's index compaction)");
  compact->add_option("--period", periods, "Period to compact, YYYY-MM-DD (repeatable; default: all)");

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

  for (auto* c : {rebuild, verify, stats, compact, retention, del}) {
    // The store as an operand (`logidx verify ./data`), with --path or with --store: one of them.
    auto* path = c->add_option("--path", data, "logd data directory (common.path_prefix)")->capture_default_str();
    auto* store = c->add_option("--store", location,
                                "The store: a logd data directory, or s3://bucket/prefix (endpoint and credentials "
                                "from AWS_*)")
                      ->excludes(path);
    c->add_option("data-dir", data, "logd data directory, as --path")->excludes(path)->excludes(store);
    c->add_option("--tenant", tenants, "Tenant (repeatable; default: every tenant in the store)");
  }
  for (auto* c : {rebuild, compact, retention, del}) {
    c->add_flag("--dry-run", dry_run, "Only list what would change");
    c->add_option("--delete-delay", delete_delay,
                  "S3: keep replaced objects this long for readers that listed them (default 10m; 0 deletes at "
                  "once); the next logidx run or logd's compactor deletes them");
  }

  CLI11_PARSE(app, argc, argv);

  std::string data_dir;
  auto target = maint::open_target(location.empty() ? data : location, &data_dir);
  if (!target.ok()) return fail(target.error(), util::exit_code_of(target.code()));
  target->writer_id = store::random_writer_id("logidx-");
  if (!target->local()) {
    auto d = model::parse_duration(delete_delay.empty() ? "10m" : delete_delay);
    if (!d.ok() || *d < 0) return fail("--delete-delay: " + (d.ok() ? std::string("negative") : d.error()), 2);
    target->delete_delay_ns = *d;
  }
  std::vector<std::string> todo = tenants;
  if (todo.empty()) {
    auto all = maint::list_tenants(*target);
    if (!all.ok()) return fail(all.error(), util::exit_code_of(all.code()));
    todo = std::move(*all);
  }
  for (const auto& t : todo)
    if (auto s = store::check_tenant_dir_name(t); !s.ok()) return fail(s.error(), 2);

  if (stats->parsed()) {  // read-only: no lock
    for (const auto& tenant : todo) {
      auto st = maint::tenant_stats(*target, tenant, top);
      if (!st.ok()) return fail("stats: tenant " + tenant + ": " + st.error());
      std::string out = output == "json" ? maint::format_stats_json(*st) + "\n" : maint::format_stats_text(*st);
      std::fputs(out.c_str(), stdout);
    }
    return 0;
  }

  auto lock = maint::lock_store(*target, data_dir, target->writer_id);
  if (!lock.ok()) return fail(lock.error());
  int rc = 0;
  // Deletions earlier runs deferred and whose delay has passed.
  if (!dry_run) {
    for (const auto& tenant : todo) {
      auto settled = maint::settle_pending_deletions(*target, tenant);
      if (!settled.ok()) return fail("tenant " + tenant + ": pending deletions: " + settled.error());
      if (settled->markers > 0) {
        std::printf("tenant %s: deleted %zu index files and %zu chunks replaced by earlier runs\n", tenant.c_str(),
                    settled->index_files_removed, settled->chunks_removed);
      }
    }
  }

  if (rebuild->parsed() || compact->parsed()) {
    std::set<int64_t> wanted;
    for (const auto& p : periods) {
      auto n = store::parse_period_dir_name(p);
      if (!n) return fail("--period: want YYYY-MM-DD, got " + p, 2);
      wanted.insert(*n);
    }
    for (const auto& tenant : todo) {
      if (compact->parsed()) {
        maint::IndexCompactOptions options;
        options.periods = wanted;
        options.dry_run = dry_run;
        auto r = maint::compact_index(*target, tenant, options);
        if (!r.ok()) {
          rc = fail("compact: tenant " + tenant + ": " + r.error());
          continue;
        }
        std::printf("compact: tenant %s: %zu index files of %zu days %s; %zu index files written\n", tenant.c_str(),
                    r->files_in, r->periods, dry_run ? "would be merged" : "merged", r->applied.index_files_written);
        std::fputs(maint::format_deferred("compact", tenant, r->applied).c_str(), stdout);
        continue;
      }
      maint::RebuildOptions options;
      options.dry_run = dry_run;
      options.periods = wanted;
      maint::TerminalProgress progress("rebuild " + tenant);
      auto r = maint::rebuild_index(*target, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("rebuild: tenant " + tenant + ": " + r.error());
        continue;
      }
      if (print(maint::format_rebuild_report(tenant, *r, dry_run)) != 0) rc = 1;
    }
    return rc;
  }

  if (verify->parsed()) {
    maint::VerifyOptions options;
    options.now = target->clock->now_ns();
    auto g = model::parse_duration(grace);
    if (!g.ok()) return fail("--grace: " + g.error(), 2);
    options.grace = *g;
    options.check_blocks = !headers_only;
    options.remove_orphans = remove_orphans;
    for (const auto& tenant : todo) {
      maint::TerminalProgress progress("verify " + tenant);
      auto r = maint::verify_index(*target, tenant, options, std::ref(progress));
      if (!r.ok()) {
        rc = fail("verify: tenant " + tenant + ": " + r.error());
        continue;
      }
      if (print(maint::format_verify_report(tenant, *r, remove_orphans)) != 0) rc = 1;
    }
    return rc;
  }

  if (retention->parsed()) {
    maint::RetentionOptions options;
    options.dry_run = dry_run;
    options.now = target->clock->now_ns();
    if (!now_text.empty()) {
      auto t = model::parse_time(now_text);
      if (!t.ok()) return fail("--now: " + t.error(), 2);
      options.now = *t;
    }
    if (!retention_period.empty()) {
      auto d = model::parse_duration(retention_period);
      if (!d.ok() || *d < 0) return fail("--retention: " + (d.ok() ? std::string("negative") : d.error()), 2);
      options.retention_period = *d;
    }
    for (const auto& text : rules) {
      auto r = maint::parse_retention_rule(text);
      if (!r.ok()) return fail("--rule: " + r.error(), 2);
      options.rules.push_back(std::move(*r));
    }
    if (options.retention_period == 0 && options.rules.empty()) return fail("retention: give --retention and/or --rule", 2);
    for (const auto& tenant : todo) {
      auto r = maint::apply_retention(*target, tenant, options);
      if (!r.ok()) {
        rc = fail("retention: tenant " + tenant + ": " + r.error());
        continue;
      }
      print(maint::format_retention_report(tenant, *r, dry_run));
    }
    return rc;
  }

  // delete
  maint::DeleteOptions options;
  options.dry_run = dry_run;
  auto ms = maint::parse_selector(selector);
  if (!ms.ok()) return fail(ms.error(), 2);
  options.matchers = std::move(*ms);
  auto start = model::parse_time(from);
  if (!start.ok()) return fail("--from: " + start.error(), 2);
  auto end = model::parse_time(to);
  if (!end.ok()) return fail("--to: " + end.error(), 2);
  options.start = *start;
  options.end = *end;
  for (const auto& tenant : todo) {
    maint::TerminalProgress progress("delete " + tenant);
    auto r = maint::delete_entries(*target, tenant, options, std::ref(progress));
    if (!r.ok()) {
      rc = fail("delete: tenant " + tenant + ": " + r.error());
      continue;
    }
    if (print(maint::format_delete_report(tenant, *r, dry_run)) != 0) rc = 1;
  }
  return rc;
}
