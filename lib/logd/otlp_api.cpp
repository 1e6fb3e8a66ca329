// POST /otlp/v1/logs: OTLP logs into the distributor, answered as Loki answers them (204 on
// success; errors with their status, 500 as 503 so OTLP clients retry, and a protobuf
// google.rpc.Status body as the OTLP/HTTP specification asks).
#include "logd/api.h"
#include "otlp/logs_request.h"

namespace logd {
namespace {

http::Response otlp_error(const util::Error& error) {
  int status = util::http_status_of(error.code);
  if (status == 500) status = 503;  // OTLP clients never retry a 500, and do retry a 503
  http::Response r;
  r.status = status;
  r.body = otlp::encode_error_status(error.message);
  r.headers.set("Content-Type", "application/octet-stream");
  return r;
}

}  // namespace

http::Response Api::otlp_push(const http::Request& req) {
  auto t = tenants(req, /*allow_multiple=*/false);
  if (!t.ok()) return otlp_error(t.status_error());
  auto encoding = otlp::encoding_of(req.headers.get_or("Content-Type", ""));
  if (!encoding.ok()) return otlp_error(encoding.status_error());
  auto request = otlp::parse_logs_request(*encoding, req.body, tenant_limits((*t)[0])->otlp_config, clock_.now_ns());
  if (!request.ok()) return otlp_error(request.status_error());
  if (request->streams.empty()) return http::Response::empty(204);  // no records: nothing to do, as Loki
  util::Status st = distributor_->push_request((*t)[0], std::move(*request));
  if (!st.ok()) return otlp_error(st.status_error());
  return http::Response::empty(204);
}

}  // namespace logd
