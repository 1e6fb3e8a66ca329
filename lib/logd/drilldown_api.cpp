// The endpoints Grafana's Logs Drilldown and the Loki data source's volume histogram call:
// index/volume and index/volume_range (answered from chunk metadata, query/volume.h),
// detected_fields and detected_field/<name>/values (query/detected_fields.h: lines read by the
// query engine, then parsed), detected_labels (query/detected_labels.h: the series index).
#include "logd/api.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "query/detected_labels.h"
#include "query/volume.h"

#include "logql/parser.h"

namespace logd {

http::Response Api::run_volume(const http::Request& req, bool range) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto vr = parse_volume_request(*p, clock_.now_ns(), range);
  if (!vr.ok()) return error_response(vr.status_error());
  auto streams = querier_->stream_spans(*t, query::volume_selection(*vr), vr->start, vr->end);
  if (!streams.ok()) return error_response(util::internal(streams.error()));
  return http::Response::json(200, encode_volume_response(query::aggregate_volume(*streams, *vr), range));
}

http::Response Api::volume(const http::Request& req) { return run_volume(req, false); }
http::Response Api::volume_range(const http::Request& req) { return run_volume(req, true); }

util::Result<std::unique_ptr<query::FieldDetector>> Api::detect_fields(const http::Request& req,
                                                                       const std::vector<std::string>& tenants,
                                                                       const DetectedFieldsRequest& r,
                                                                       size_t field_limit) {
  logql::QueryParams qp;
  qp.start = r.start;
  qp.end = r.end;
  qp.limit = r.line_limit;
  qp.direction = logql::Direction::Backward;
  query::SourceFactory sources = [&]() { return querier_->source(tenants); };
  const query::Limits limits = query_limits(tenants);
  util::Cancellation cancel = query_cancellation(limits);
  if (req.client_gone) cancel.set_probe(req.client_gone);
  query::Outcome out = query::execute(r.query, qp, sources, limits, &cancel);
  if (!out.status.ok()) return out.status.status_error();
  auto detector = std::make_unique<query::FieldDetector>(field_limit);
  for (const auto& stream : out.result.streams)
    for (const auto& e : stream.entries) detector->add(stream.labels, e);
  return detector;
}

http::Response Api::detected_fields(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto r = parse_detected_fields_request(*p, clock_.now_ns());
  if (!r.ok()) return error_response(r.status_error());
  auto detector = detect_fields(req, *t, *r, r->limit);
  if (!detector.ok()) return error_response(detector.status_error());
  return http::Response::json(200, encode_detected_fields((*detector)->fields(), r->limit));
}

http::Response Api::detected_field_values(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  // /loki/api/v1/detected_field/<name>/values
  auto found = name_before_values(req.path, "/loki/api/v1/detected_field/");
  if (!found) return error_response(util::not_found("404 page not found"));
  const std::string& name = *found;
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto r = parse_detected_fields_request(*p, clock_.now_ns());
  if (!r.ok()) return error_response(r.status_error());
  // Every field is kept, so the asked one is found however many others come first.
  auto detector = detect_fields(req, *t, *r, SIZE_MAX);
  if (!detector.ok()) return error_response(detector.status_error());
  return http::Response::json(200, encode_detected_field_values((*detector)->values(name, r->limit), r->limit));
}

http::Response Api::detected_labels(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto range = parse_time_range(*p, clock_.now_ns(), model::kNanosPerHour);
  if (!range.ok()) return error_response(range.status_error());
  std::vector<logql::ast::Matcher> matchers;
  if (std::string q = param(*p, "query"); !q.empty()) {
    auto m = query::parse_volume_selector(q);  // a stream selector, or {} for every stream
    if (!m.ok()) return error_response(util::prefixed("detected labels: ", m.status_error()));
    matchers = std::move(*m);
  }
  auto series = querier_->series(*t, matchers, range->start, range->end);
  if (!series.ok()) return error_response(util::internal(series.error()));
  return http::Response::json(200, encode_detected_labels(query::detect_labels(*series)));
}

http::Response Api::patterns(const http::Request& req) {
  if (!options_.patterns_enabled) return error_response(query::patterns_disabled());
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto r = parse_patterns_request(*p, clock_.now_ns());
  if (!r.ok()) return error_response(r.status_error());
  auto series = querier_->patterns(*t, r->matchers, r->start, r->end, r->step);
  if (!series.ok()) return error_response(series.status_error());
  return http::Response::json(200, encode_patterns(*series));
}

}  // namespace logd
