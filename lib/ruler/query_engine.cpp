#include "ruler/query_engine.h"

namespace ruler {

util::Result<logql::QueryResult> ExecutorQueryEngine::instant_query(const std::string& tenant,
                                                                    const std::string& query, int64_t ts_ns) {
  logql::QueryParams p;
  p.start = p.end = ts_ns;
  p.instant = true;
  p.limit = 0;
  query::SourceFactory factory = [&]() { return sources_(tenant); };
  query::Outcome out = query::execute(query, p, factory, limits_);
  if (out.status != 200) {
    util::ErrorCode code = out.status == 504 ? util::ErrorCode::kDeadlineExceeded
                           : out.status >= 500 ? util::ErrorCode::kUnavailable
                                               : util::ErrorCode::kInvalidArgument;
    return util::Error{out.error, code};
  }
  return std::move(out.result);
}

}  // namespace ruler
