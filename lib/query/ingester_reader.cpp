#include "query/ingester_reader.h"

namespace query {
namespace {

// The in-process ingester answers from memory and cannot fail.
class LocalIngesterReader final : public IngesterReader {
 public:
  explicit LocalIngesterReader(ingest::Ingester& ingester) : ingester_(ingester) {}
  util::Result<std::unique_ptr<logql::LogSource>> source(const std::string& tenant) override {
    return ingester_.source(tenant);
  }
  util::Result<std::vector<std::string>> label_names(const std::string& tenant, int64_t start, int64_t end) override {
    return ingester_.label_names(tenant, start, end);
  }
  util::Result<std::vector<std::string>> label_values(const std::string& tenant, const std::string& name,
                                                      const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                      int64_t end) override {
    return ingester_.label_values(tenant, name, matchers, start, end);
  }
  util::Result<std::vector<model::LabelSet>> series(const std::string& tenant,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end) override {
    return ingester_.series(tenant, matchers, start, end);
  }
  util::Result<store::IndexStats> stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                        int64_t start, int64_t end) override {
    return ingester_.stats(tenant, matchers, start, end);
  }
  util::Result<std::vector<store::StreamSpans>> stream_spans(const std::string& tenant,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end) override {
    return ingester_.stream_spans(tenant, matchers, start, end);
  }
  util::Result<std::vector<pattern::StreamPatterns>> patterns(const std::string& tenant,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end, int64_t step) override {
    pattern::PatternStore* store = ingester_.patterns();
    if (!store) return patterns_disabled();
    auto compiled = logql::LabelMatchers::compile(matchers);
    if (!compiled.ok()) return compiled.status_error();
    return store->query(tenant, *compiled, start, end, step);
  }

 private:
  ingest::Ingester& ingester_;
};

}  // namespace

util::Error patterns_disabled() {
  return util::not_found("the pattern ingester is disabled (set pattern_ingester.enabled: true)");
}

std::unique_ptr<IngesterReader> read_local_ingester(ingest::Ingester& ingester) {
  return std::make_unique<LocalIngesterReader>(ingester);
}

}  // namespace query
