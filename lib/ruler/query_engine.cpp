#include "ruler/query_engine.h"

namespace ruler {

util::Result<logql::QueryResult> ExecutorQueryEngine::instant_query(const std::string& tenant,
                                                                    const std::string& query, int64_t ts_ns) {
  logql::QueryParams p;
  p.start = p.end = ts_ns;
  p.instant = true;
  p.limit = 0;
  query::SourceFactory factory = [&]() { return sources_(tenant); };
  query::Outcome out = query::execute(query, p, factory, limits_(tenant));
  if (!out.status.ok()) return out.status.status_error();
  return std::move(out.result);
}

}  // namespace ruler
