#include "logcli/rules_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "fsutil/atomic_file.h"
#include "model/go_float.h"
#include "model/go_string.h"
#include "util/clock.h"
#include "model/time.h"
#include "push/tenant.h"
#include "query/querier.h"
#include "ruler/group_evaluator.h"
#include "ruler/rule_compile.h"
#include "store/store.h"

namespace logcli {
namespace {

// Hands each evaluation a view of one shared source (stdin is read once).
class SharedSource final : public logql::LogSource {
 public:
  explicit SharedSource(logql::LogSource& inner) : inner_(inner) {}
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& p) override {
    return inner_.select(p);
  }

 private:
  logql::LogSource& inner_;
};

// Collects what one evaluation produces.
struct Capture final : ruler::SampleSink, ruler::AlertSink {
  std::vector<ruler::Sample> samples;
  void append(const std::string&, std::vector<ruler::Sample> s) override {
    samples.insert(samples.end(), s.begin(), s.end());
  }
  void send(const std::string&, std::vector<ruler::NotifierAlert>) override {}
};

std::vector<ruler::CompiledGroup> load(const std::string& file, FILE* err, bool& ok) {
  ok = false;
  auto text = fsutil::read_file(file);
  if (!text.ok()) {
    std::fprintf(err, "%s: %s\n", file.c_str(), text.error().c_str());
    return {};
  }
  std::vector<ruler::RuleError> errors;
  auto groups = ruler::compile_rule_file(*text, file, file, errors);
  for (const auto& e : errors) std::fprintf(err, "%s\n", e.to_string().c_str());
  ok = errors.empty();
  return groups;
}

}  // namespace

int run_rules_lint(const std::vector<std::string>& files, FILE* out, FILE* err) {
  int rc = 0;
  for (const std::string& f : files) {
    bool ok;
    auto groups = load(f, err, ok);
    if (!ok) {
      rc = 1;
      continue;
    }
    size_t rules = 0;
    for (const auto& g : groups) rules += g.rules.size();
    std::fprintf(out, "%s: %zu group%s, %zu rule%s: OK\n", f.c_str(), groups.size(), groups.size() == 1 ? "" : "s",
                 rules, rules == 1 ? "" : "s");
  }
  return rc;
}

int run_rules_eval(const RulesEvalOptions& o, FILE* out, FILE* err) {
  if (o.use_stdin == !o.store_dir.empty()) {
    std::fprintf(err, "logcli: rules eval needs exactly one of --stdin and --store DIR\n");
    return 2;
  }
  bool ok;
  auto groups = load(o.file, err, ok);
  if (!ok) return 1;

  std::unique_ptr<StdinSource> input;
  std::unique_ptr<store::ChunkStore> chunk_store;
  std::unique_ptr<query::Querier> querier;
  std::vector<std::string> tenants;
  int64_t ts = 0;
  if (o.use_stdin) {
    auto src = StdinSource::read(STDIN_FILENO, o.stdin_format);
    if (!src.ok()) {
      std::fprintf(err, "logcli: %s\n", src.error().c_str());
      return 1;
    }
    input = std::move(*src);
    ts = input->empty() ? util::system_clock().now_ns() : input->max_time() + 1;  // every entry is inside (t-range, t]
  } else {
    struct stat st;
    std::string dir = o.store_dir + "/store";
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      std::fprintf(err, "logcli: no logd store under %s (expected the directory %s)\n", o.store_dir.c_str(), dir.c_str());
      return 1;
    }
    auto ids = push::split_tenant_ids(o.org_id.empty() ? "fake" : o.org_id);
    if (!ids.ok()) {
      std::fprintf(err, "logcli: %s\n", ids.error().c_str());
      return 2;
    }
    tenants = *ids;
    store::LocalStoreOptions so;
    so.dir = dir;
    so.warn = [err](const std::string& m) { std::fprintf(err, "logcli: warning: %s\n", m.c_str()); };
    auto opened = store::open_local_store(so);
    if (!opened.ok()) {
      std::fprintf(err, "logcli: %s\n", opened.error().c_str());
      return 1;
    }
    chunk_store = std::move(*opened);
    querier = std::make_unique<query::Querier>(nullptr, chunk_store.get());
    ts = util::system_clock().now_ns();
  }
  if (!o.time.empty()) {
    auto t = model::parse_time(o.time);
    if (!t.ok()) {
      std::fprintf(err, "logcli: --time: %s\n", t.error().c_str());
      return 2;
    }
    ts = *t;
  }

  query::Limits limits;  // the user's own machine: no limits, no timeout
  limits.max_entries_limit_per_query = 0;
  limits.max_query_series = 0;
  limits.query_timeout = 0;
  limits.max_query_length = 0;
  ruler::ExecutorQueryEngine engine(
      [&](const std::string&) -> util::Result<std::unique_ptr<logql::LogSource>> {
        if (input) return std::unique_ptr<logql::LogSource>(std::make_unique<SharedSource>(*input));
        return querier->source(tenants);
      },
      limits);

  int rc = 0;
  std::fprintf(out, "# evaluated at %s\n", model::format_rfc3339nano(ts).c_str());
  for (const auto& g : groups) {
    Capture capture;
    ruler::GroupEvalOptions eo;
    eo.tenant = tenants.empty() ? "fake" : tenants[0];
    eo.external_url = o.external_url;
    eo.engine = &engine;
    eo.samples = &capture;
    eo.alerts = &capture;
    ruler::GroupEvaluator ev(std::make_shared<const ruler::CompiledGroup>(g), eo);
    ev.evaluate(ts);
    std::fprintf(out, "group %s\n", model::quote_go_string(g.group.name).c_str());
    for (const ruler::RuleStatus& rs : ev.status().rules) {
      const ruler::Rule& r = rs.rule->rule;
      if (rs.health != "ok") {
        std::fprintf(err, "%s: group %s, %s %s: %s\n", o.file.c_str(), model::quote_go_string(g.group.name).c_str(),
                     r.is_alert() ? "alert" : "record", model::quote_go_string(r.name()).c_str(), rs.last_error.c_str());
        rc = 1;
        continue;
      }
      if (!r.is_alert()) {
        std::fprintf(out, "  record %s\n", r.record.c_str());
        for (const ruler::Sample& s : capture.samples) {
          if (s.labels.get("__name__") != r.record || ruler::is_stale_nan(s.v)) continue;
          model::LabelSet rest = s.labels;
          rest.erase("__name__");
          std::fprintf(out, "    %s%s %s\n", r.record.c_str(), rest.to_string().c_str(),
                       model::format_go_float(s.v).c_str());
        }
        continue;
      }
      std::fprintf(out, "  alert %s: %s\n", r.alert.c_str(), std::string(ruler::alert_state_name(rs.state)).c_str());
      for (const ruler::Alert& a : rs.alerts) {
        std::fprintf(out, "    %s %s value=%s\n", std::string(ruler::alert_state_name(a.state)).c_str(),
                     a.labels.to_string().c_str(), model::format_go_float(a.value).c_str());
        for (const auto& [k, v] : a.annotations) std::fprintf(out, "      %s: %s\n", k.c_str(), v.c_str());
      }
    }
  }
  return rc;
}

}  // namespace logcli
