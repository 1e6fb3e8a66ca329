#include "cluster/ingester_client.h"

#include "cluster/ingester_service.h"

namespace cluster {

util::ErrorCode error_code_of_status(int status) {
  switch (status) {
    case 400: return util::ErrorCode::kInvalidArgument;
    case 401: return util::ErrorCode::kUnauthenticated;
    case 403: return util::ErrorCode::kPermissionDenied;
    case 404: return util::ErrorCode::kNotFound;
    case 413: return util::ErrorCode::kTooLarge;
    case 415: return util::ErrorCode::kUnsupportedFormat;
    case 422: return util::ErrorCode::kUnprocessable;
    case 429: return util::ErrorCode::kRateLimited;
    case 499: return util::ErrorCode::kCancelled;
    case 503: return util::ErrorCode::kUnavailable;
    case 504: return util::ErrorCode::kDeadlineExceeded;
    default: return status >= 400 && status < 500 ? util::ErrorCode::kInvalidArgument : util::ErrorCode::kInternal;
  }
}

util::Error error_of_response(const httpclient::Response& r, const std::string& peer) {
  if (!r.transport_ok()) return util::unavailable(peer + ": " + r.error);
  std::string message = r.body;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (message.empty()) message = peer + ": HTTP " + std::to_string(r.status);
  return {message, error_code_of_status(r.status)};
}

IngesterClient::IngesterClient(std::string address, IngesterClientOptions options)
    : address_(std::move(address)), options_(options) {}

util::Result<std::string> IngesterClient::call(const std::string& path, std::string_view body,
                                               const std::string& tenant, int64_t timeout_ms,
                                               const std::atomic<bool>* cancel) {
  httpclient::Request req;
  req.method = "POST";
  req.url = "http://" + address_ + path;
  req.headers = {std::string("Content-Type: ") + kProtobufContentType, "Expect:"};
  if (!tenant.empty()) req.headers.push_back("X-Scope-OrgID: " + tenant);
  req.body = body;
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = options_.connect_timeout_ms;
  req.cancel = cancel;
  httpclient::Response resp = pool_.perform(req);
  if (!resp.ok()) return error_of_response(resp, "ingester " + address_);
  return std::move(resp.body);
}

util::Status IngesterClient::push(const std::string& tenant, std::string_view body) {
  if (pushes_in_flight_.fetch_add(1) >= options_.max_pushes_in_flight) {
    pushes_in_flight_.fetch_sub(1);
    return util::unavailable("ingester " + address_ + ": too many pushes in flight (" +
                             std::to_string(options_.max_pushes_in_flight) + "); it is not answering");
  }
  auto r = call(kPushPath, body, tenant, options_.timeout_ms);
  pushes_in_flight_.fetch_sub(1);
  if (!r.ok()) return r.status_error();
  return {};
}

util::Result<EntryBatch> IngesterClient::select(const SelectRequest& request) {
  auto r = call(kSelectPath, encode_select_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_entry_batch(*r);
}

util::Result<EntryBatch> IngesterClient::select_next(uint64_t session) {
  auto r = call(kSelectNextPath, encode_session(session), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_entry_batch(*r);
}

void IngesterClient::select_close(uint64_t session) {
  (void)call(kSelectClosePath, encode_session(session), "", options_.timeout_ms);
}

util::Result<std::vector<std::string>> IngesterClient::label_names(const MetadataRequest& request) {
  auto r = call(kLabelNamesPath, encode_metadata_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_string_list(*r);
}

util::Result<std::vector<std::string>> IngesterClient::label_values(const MetadataRequest& request) {
  auto r = call(kLabelValuesPath, encode_metadata_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_string_list(*r);
}

util::Result<std::vector<model::LabelSet>> IngesterClient::series(const MetadataRequest& request) {
  auto r = call(kSeriesPath, encode_metadata_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_series_list(*r);
}

util::Result<std::vector<StreamStats>> IngesterClient::stream_stats(const MetadataRequest& request) {
  auto r = call(kStatsPath, encode_metadata_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_stream_stats(*r);
}

util::Result<std::vector<pattern::StreamPatterns>> IngesterClient::patterns(const MetadataRequest& request) {
  auto r = call(kPatternsPath, encode_metadata_request(request), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_stream_patterns(*r);
}

util::Result<uint64_t> IngesterClient::tail_open(const std::string& tenant) {
  auto r = call(kTailOpenPath, encode_tail_open(tenant), "", options_.timeout_ms);
  if (!r.ok()) return r.status_error();
  return decode_session(*r);
}

util::Result<EntryBatch> IngesterClient::tail_poll(uint64_t session, const std::atomic<bool>* cancel) {
  // A poll waits up to the service's poll wait for entries: allow that on top of the timeout.
  auto r = call(kTailPollPath, encode_session(session), "", options_.timeout_ms + kTailPollWaitMs, cancel);
  if (!r.ok()) return r.status_error();
  return decode_entry_batch(*r);
}

void IngesterClient::tail_close(uint64_t session) {
  (void)call(kTailClosePath, encode_session(session), "", options_.timeout_ms);
}

std::shared_ptr<IngesterClient> IngesterClients::get(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& c = clients_[address];
  if (!c) c = std::make_shared<IngesterClient>(address, options_);
  return c;
}

}  // namespace cluster
