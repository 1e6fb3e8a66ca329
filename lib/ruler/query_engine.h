// The ruler's view of LogQL: instant queries for one tenant at a given time. logd answers them
// in process (the querier over its ingester and store); `logcli rules eval` over stdin or a
// data directory; tests with canned results. When logd is split into roles, a remote querier
// client is one more implementation.
//
// Thread-safety: implementations are called from many evaluation threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "logql/eval/engine.h"
#include "logql/eval/source.h"
#include "query/executor.h"
#include "util/result.h"

namespace ruler {

class QueryEngine {
 public:
  virtual ~QueryEngine() = default;
  virtual util::Result<logql::QueryResult> instant_query(const std::string& tenant, const std::string& query,
                                                         int64_t ts_ns) = 0;
};

// Makes a fresh LogSource over one tenant's data for one evaluation.
using TenantSourceFactory = std::function<util::Result<std::unique_ptr<logql::LogSource>>(const std::string& tenant)>;

// A tenant's query limits, asked at each evaluation (per-tenant overrides may change).
using TenantQueryLimits = std::function<query::Limits(const std::string& tenant)>;

// Runs queries with the querier's executor (limits, timeout) over the sources a factory makes.
class ExecutorQueryEngine final : public QueryEngine {
 public:
  ExecutorQueryEngine(TenantSourceFactory sources, query::Limits limits)
      : sources_(std::move(sources)), limits_([limits](const std::string&) { return limits; }) {}
  ExecutorQueryEngine(TenantSourceFactory sources, TenantQueryLimits limits)
      : sources_(std::move(sources)), limits_(std::move(limits)) {}
  util::Result<logql::QueryResult> instant_query(const std::string& tenant, const std::string& query,
                                                 int64_t ts_ns) override;

 private:
  TenantSourceFactory sources_;
  TenantQueryLimits limits_;
};

}  // namespace ruler
