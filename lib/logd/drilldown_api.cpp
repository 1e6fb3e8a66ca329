// The endpoints Grafana's Logs Drilldown and the Loki data source's volume histogram call:
// index/volume and index/volume_range (answered from chunk metadata, query/volume.h).
#include "logd/api.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "query/volume.h"

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

}  // namespace logd
