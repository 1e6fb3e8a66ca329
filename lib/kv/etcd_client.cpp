#include "kv/etcd_client.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <charconv>

#include "util/base64.h"

namespace kv {
namespace {

using json = nlohmann::json;

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kRequestTimeoutExtraMs = 5'000;

// gRPC status codes etcd puts in its error bodies.
enum GrpcCode {
  kGrpcCancelled = 1,
  kGrpcInvalidArgument = 3,
  kGrpcDeadlineExceeded = 4,
  kGrpcNotFound = 5,
  kGrpcPermissionDenied = 7,
  kGrpcResourceExhausted = 8,
  kGrpcFailedPrecondition = 9,
  kGrpcUnavailable = 14,
  kGrpcUnauthenticated = 16,
};

std::string b64(const std::string& s) { return util::base64_encode(s); }

// etcd writes int64 fields as strings, leaves out zeros, and accepts numbers too.
int64_t i64(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  return 0;
}

std::string bytes_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return {};
  auto decoded = util::base64_decode(it->get_ref<const std::string&>());
  return decoded ? *decoded : std::string();
}

KeyValue parse_kv(const json& j) {
  KeyValue kv;
  kv.key = bytes_field(j, "key");
  kv.value = bytes_field(j, "value");
  kv.create_revision = i64(j, "create_revision");
  kv.mod_revision = i64(j, "mod_revision");
  kv.version = i64(j, "version");
  kv.lease = i64(j, "lease");
  return kv;
}

int64_t header_revision(const json& j) {
  auto h = j.find("header");
  return h != j.end() && h->is_object() ? i64(*h, "revision") : 0;
}

RangeResult parse_range(const json& j) {
  RangeResult out;
  out.revision = header_revision(j);
  if (auto kvs = j.find("kvs"); kvs != j.end() && kvs->is_array()) {  // absent when nothing matched
    for (const auto& kv : *kvs) out.kvs.push_back(parse_kv(kv));
  }
  return out;
}

util::Error grpc_error(int code, const std::string& message) {
  switch (code) {
    case kGrpcNotFound: return util::not_found(message);
    case kGrpcUnauthenticated: return util::unauthenticated(message);
    case kGrpcPermissionDenied: return util::permission_denied(message);
    case kGrpcUnavailable: return util::unavailable(message);
    case kGrpcDeadlineExceeded: return util::deadline_exceeded(message);
    case kGrpcResourceExhausted: return util::rate_limited(message);
    case kGrpcCancelled: return util::cancelled(message);
    case kGrpcInvalidArgument:
      // With auth enabled, a request without a token is "user name is empty".
      if (message.find("user name is empty") != std::string::npos) return util::unauthenticated(message);
      return util::invalid_argument(message);
    case kGrpcFailedPrecondition: return util::invalid_argument(message);
    default: return util::internal(message);
  }
}

// A gRPC code from a watch's cancel_reason: "rpc error: code = PermissionDenied desc = ...".
int code_in_reason(const std::string& reason) {
  if (reason.find("Unauthenticated") != std::string::npos || reason.find("invalid auth token") != std::string::npos) {
    return kGrpcUnauthenticated;
  }
  if (reason.find("PermissionDenied") != std::string::npos) return kGrpcPermissionDenied;
  if (reason.find("Unavailable") != std::string::npos) return kGrpcUnavailable;
  return 0;
}

// An error answer: {"error":"...","message":"...","code":N} (unary) or
// {"error":{"grpc_code":N,"message":"..."}} (in a stream). False when `j` is not one.
bool parse_error(const json& j, int& code, std::string& message) {
  auto e = j.find("error");
  if (e == j.end()) return false;
  if (e->is_object()) {
    code = static_cast<int>(i64(*e, "grpc_code"));
    message = e->value("message", std::string("error"));
  } else {
    code = static_cast<int>(i64(j, "code"));
    message = j.value("message", e->is_string() ? e->get<std::string>() : std::string("error"));
  }
  return true;
}

// Calls `fn` for each complete line of a newline-separated stream of JSON objects; keeps the
// incomplete rest in `buffer`. False when a line is not JSON.
template <class Fn>
bool for_each_line(std::string& buffer, std::string_view piece, Fn&& fn) {
  buffer.append(piece);
  size_t start = 0;
  for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(buffer.data() + start, nl - start);
    if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !fn(j)) {
      buffer.erase(0, nl + 1);
      return !j.is_discarded();
    }
  }
  buffer.erase(0, start);
  return true;
}

const char* target_name(Compare::Target t) {
  switch (t) {
    case Compare::Target::kVersion: return "VERSION";
    case Compare::Target::kCreateRevision: return "CREATE";
    case Compare::Target::kModRevision: return "MOD";
  }
  return "VERSION";
}

const char* target_field(Compare::Target t) {
  switch (t) {
    case Compare::Target::kVersion: return "version";
    case Compare::Target::kCreateRevision: return "create_revision";
    case Compare::Target::kModRevision: return "mod_revision";
  }
  return "version";
}

const char* op_name(Compare::Op op) {
  switch (op) {
    case Compare::Op::kEqual: return "EQUAL";
    case Compare::Op::kNotEqual: return "NOT_EQUAL";
    case Compare::Op::kLess: return "LESS";
    case Compare::Op::kGreater: return "GREATER";
  }
  return "EQUAL";
}

json request_op(const TxnOp& op) {
  json r = {{"key", b64(op.key)}};
  switch (op.kind) {
    case TxnOp::Kind::kPut:
      r["value"] = b64(op.value);
      if (op.lease != 0) r["lease"] = std::to_string(op.lease);
      return {{"request_put", r}};
    case TxnOp::Kind::kDelete:
      if (!op.range_end.empty()) r["range_end"] = b64(op.range_end);
      return {{"request_delete_range", r}};
    case TxnOp::Kind::kGet:
      if (!op.range_end.empty()) r["range_end"] = b64(op.range_end);
      return {{"request_range", r}};
  }
  return r;
}

util::Result<json> parse_body(const util::Result<std::string>& body, const std::string& what) {
  if (!body.ok()) return body.status_error();
  json j = json::parse(*body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return util::internal("etcd " + what + ": answer is not a JSON object");
  return j;
}

}  // namespace

util::Result<std::unique_ptr<EtcdClient>> EtcdClient::create(const EtcdConfig& config) {
  KvStoreConfig whole;
  whole.store = "etcd";
  whole.etcd = config;
  if (auto s = validate_kv_config(whole, "kvstore"); !s.ok()) return s.status_error();
  std::vector<Endpoint> endpoints;
  for (std::string e : config.endpoints) {
    while (!e.empty() && e.back() == '/') e.pop_back();
    if (e.find("://") == std::string::npos) e = (config.tls_enabled ? "https://" : "http://") + e;
    Endpoint ep{e, ""};
    if (!config.tls_server_name.empty()) {
      // Verify the certificate as tls_server_name while connecting to the endpoint's address.
      size_t host_start = e.find("://") + 3;
      size_t colon = e.rfind(':');
      std::string port = colon > host_start ? e.substr(colon + 1) : "443";
      std::string host = e.substr(host_start, (colon > host_start ? colon : e.size()) - host_start);
      ep.url = e.substr(0, host_start) + config.tls_server_name + ":" + port;
      ep.connect_to = config.tls_server_name + ":" + port + ":" + host + ":" + port;
    }
    endpoints.push_back(std::move(ep));
  }
  return std::unique_ptr<EtcdClient>(new EtcdClient(config, std::move(endpoints)));
}

EtcdClient::EtcdClient(EtcdConfig config, std::vector<Endpoint> endpoints)
    : config_(std::move(config)), endpoints_(std::move(endpoints)) {}

std::string EtcdClient::describe() const {
  std::string out = "etcd ";
  for (size_t i = 0; i < config_.endpoints.size(); ++i) out += (i ? "," : "") + config_.endpoints[i];
  return out;
}

int64_t EtcdClient::authentications() const {
  std::lock_guard lock(mu_);
  return authentications_;
}

httpclient::Request EtcdClient::request_for(const Endpoint& endpoint, const std::string& path,
                                            const std::string& body, const std::string& token) const {
  httpclient::Request r;
  r.method = "POST";
  r.url = endpoint.url + path;
  r.connect_to = endpoint.connect_to;
  r.headers = {"Content-Type: application/json", "Expect:"};
  if (!token.empty()) r.headers.push_back("Authorization: " + token);
  r.body = body;
  r.connect_timeout_ms = std::max<int64_t>(1, config_.dial_timeout_ns / kNanosPerMilli);
  r.timeout_ms = r.connect_timeout_ms + kRequestTimeoutExtraMs;
  r.tls.ca_file = config_.tls_ca_path;
  r.tls.cert_file = config_.tls_cert_path;
  r.tls.key_file = config_.tls_key_path;
  r.tls.insecure_skip_verify = config_.tls_insecure_skip_verify;
  return r;
}

util::Status EtcdClient::authenticate_at(const Endpoint& endpoint) {
  std::string body = json{{"name", config_.username}, {"password", config_.password}}.dump();
  auto r = pool_.perform(request_for(endpoint, "/v3/auth/authenticate", body, ""));
  if (!r.transport_ok()) return util::unavailable(endpoint.url + ": " + r.error);
  json j = json::parse(r.body, nullptr, false);
  int code = 0;
  std::string message;
  if (j.is_discarded() || !j.is_object()) return util::unavailable(endpoint.url + ": HTTP " + std::to_string(r.status));
  if (parse_error(j, code, message)) {
    if (code == kGrpcUnavailable) return util::unavailable(endpoint.url + ": " + message);
    return util::unauthenticated("etcd authentication as " + config_.username + " failed: " + message);
  }
  std::lock_guard lock(mu_);
  token_ = j.value("token", "");
  ++authentications_;
  return {};
}

void EtcdClient::drop_token(const std::string& token) {
  std::lock_guard lock(mu_);
  if (token_ == token) token_.clear();
}

util::Result<std::string> EtcdClient::call(const std::string& path, const std::string& body) {
  std::string last_error = "no endpoint";
  size_t start;
  {
    std::lock_guard lock(mu_);
    start = current_;
  }
  bool refreshed = false;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    size_t index = (start + i) % endpoints_.size();
    const Endpoint& ep = endpoints_[index];
    std::string token;
    if (!config_.username.empty()) {
      {
        std::lock_guard lock(mu_);
        token = token_;
      }
      if (token.empty()) {
        auto s = authenticate_at(ep);
        if (s.code() == util::ErrorCode::kUnavailable) {
          last_error = s.error();
          continue;
        }
        if (!s.ok()) return s.status_error();
        std::lock_guard lock(mu_);
        token = token_;
      }
    }
    auto r = pool_.perform(request_for(ep, path, body, token));
    if (!r.transport_ok()) {
      last_error = ep.url + ": " + r.error;
      continue;
    }
    json j = r.status == 200 ? json() : json::parse(r.body, nullptr, false);
    int code = 0;
    std::string message;
    if (r.status != 200 && (j.is_discarded() || !parse_error(j, code, message))) {
      // Not etcd's JSON: a proxy or something else on that port.
      last_error = ep.url + ": HTTP " + std::to_string(r.status);
      continue;
    }
    if (r.status != 200 && code == kGrpcUnauthenticated && !config_.username.empty() && !refreshed) {
      drop_token(token);  // expired: authenticate again and retry this endpoint once
      refreshed = true;
      --i;
      continue;
    }
    if (r.status != 200 && code == kGrpcUnavailable) {
      last_error = ep.url + ": " + message;
      continue;
    }
    {
      std::lock_guard lock(mu_);
      current_ = index;
    }
    if (r.status != 200) return grpc_error(code, "etcd " + path + ": " + message);
    return std::move(r.body);
  }
  return util::unavailable("etcd: no endpoint answered " + path + " (last: " + last_error + ")");
}

util::Result<std::optional<KeyValue>> EtcdClient::get(const std::string& key) {
  auto j = parse_body(call("/v3/kv/range", json{{"key", b64(key)}}.dump()), "range");
  if (!j.ok()) return j.status_error();
  RangeResult r = parse_range(*j);
  if (r.kvs.empty()) return std::optional<KeyValue>();
  return std::optional<KeyValue>(std::move(r.kvs.front()));
}

util::Result<RangeResult> EtcdClient::get_prefix(const std::string& prefix) {
  std::string start = prefix.empty() ? std::string(1, '\0') : prefix;
  auto j = parse_body(call("/v3/kv/range", json{{"key", b64(start)}, {"range_end", b64(prefix_range_end(prefix))}}.dump()),
                      "range");
  if (!j.ok()) return j.status_error();
  return parse_range(*j);
}

util::Result<int64_t> EtcdClient::put(const std::string& key, const std::string& value, int64_t lease) {
  json body = {{"key", b64(key)}, {"value", b64(value)}};
  if (lease != 0) body["lease"] = std::to_string(lease);
  auto j = parse_body(call("/v3/kv/put", body.dump()), "put");
  if (!j.ok()) return j.status_error();
  return header_revision(*j);
}

util::Result<int64_t> EtcdClient::del(const std::string& key) {
  auto j = parse_body(call("/v3/kv/deleterange", json{{"key", b64(key)}}.dump()), "deleterange");
  if (!j.ok()) return j.status_error();
  return i64(*j, "deleted");
}

util::Result<TxnResult> EtcdClient::txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& success,
                                        const std::vector<TxnOp>& failure) {
  json body = {{"compare", json::array()}, {"success", json::array()}, {"failure", json::array()}};
  for (const auto& c : compares) {
    json jc = {{"key", b64(c.key)}, {"target", target_name(c.target)}, {"result", op_name(c.op)},
               {target_field(c.target), std::to_string(c.operand)}};
    if (!c.range_end.empty()) jc["range_end"] = b64(c.range_end);
    body["compare"].push_back(std::move(jc));
  }
  for (const auto& op : success) body["success"].push_back(request_op(op));
  for (const auto& op : failure) body["failure"].push_back(request_op(op));
  auto j = parse_body(call("/v3/kv/txn", body.dump()), "txn");
  if (!j.ok()) return j.status_error();
  TxnResult out;
  out.succeeded = j->value("succeeded", false);  // absent when false
  out.revision = header_revision(*j);
  if (auto rs = j->find("responses"); rs != j->end() && rs->is_array()) {
    for (const auto& r : *rs) {
      if (auto rr = r.find("response_range"); rr != r.end()) {
        out.gets.push_back(parse_range(*rr));
        out.gets.back().revision = out.revision;
      }
    }
  }
  return out;
}

util::Result<LeaseGrant> EtcdClient::lease_grant(int64_t ttl_seconds) {
  auto j = parse_body(call("/v3/lease/grant", json{{"TTL", std::to_string(ttl_seconds)}}.dump()), "lease grant");
  if (!j.ok()) return j.status_error();
  if (auto e = j->find("error"); e != j->end() && e->is_string() && !e->get<std::string>().empty()) {
    return util::invalid_argument("etcd lease grant: " + e->get<std::string>());
  }
  return LeaseGrant{i64(*j, "ID"), i64(*j, "TTL")};
}

util::Result<int64_t> EtcdClient::lease_keep_alive(int64_t lease_id) {
  // A stream endpoint: one request in the body, one {"result":...} line back.
  auto body = call("/v3/lease/keepalive", json{{"ID", std::to_string(lease_id)}}.dump());
  if (!body.ok()) return body.status_error();
  std::string buffer;
  std::optional<util::Result<int64_t>> out;
  for_each_line(buffer, *body + "\n", [&](const json& line) {
    int code = 0;
    std::string message;
    if (parse_error(line, code, message)) {
      out = grpc_error(code, "etcd lease keepalive: " + message);
    } else if (auto res = line.find("result"); res != line.end() && res->is_object()) {
      int64_t ttl = i64(*res, "TTL");  // absent (0) when the lease is gone
      if (ttl > 0) {
        out = ttl;
      } else {
        out = util::not_found("etcd lease " + std::to_string(lease_id) + " expired or revoked");
      }
    }
    return !out.has_value();
  });
  if (!out) return util::internal("etcd lease keepalive: no result in the answer");
  return std::move(*out);
}

util::Status EtcdClient::lease_revoke(int64_t lease_id) {
  auto j = parse_body(call("/v3/lease/revoke", json{{"ID", std::to_string(lease_id)}}.dump()), "lease revoke");
  if (!j.ok()) return j.status_error();
  return {};
}

util::Result<LeaseTimeToLive> EtcdClient::lease_time_to_live(int64_t lease_id) {
  auto j = parse_body(call("/v3/lease/timetolive", json{{"ID", std::to_string(lease_id)}, {"keys", true}}.dump()),
                      "lease timetolive");
  if (!j.ok()) return j.status_error();
  LeaseTimeToLive out;
  out.ttl_seconds = i64(*j, "TTL");
  if (out.ttl_seconds < 0) return util::not_found("etcd lease " + std::to_string(lease_id) + " expired or revoked");
  out.granted_ttl_seconds = i64(*j, "grantedTTL");
  if (auto keys = j->find("keys"); keys != j->end() && keys->is_array()) {
    for (const auto& k : *keys) {
      auto decoded = k.is_string() ? util::base64_decode(k.get<std::string>()) : std::nullopt;
      if (decoded) out.keys.push_back(*decoded);
    }
  }
  return out;
}

util::Result<WatchEnd> EtcdClient::watch_stream(const std::string& prefix, int64_t start_revision,
                                                const WatchStreamCallbacks& callbacks, std::stop_token stop) {
  json create = {{"key", b64(prefix.empty() ? std::string(1, '\0') : prefix)},
                 {"range_end", b64(prefix_range_end(prefix))}};
  if (start_revision > 0) create["start_revision"] = std::to_string(start_revision);
  const std::string body = json{{"create_request", create}}.dump();

  std::string last_error = "no endpoint";
  size_t start;
  {
    std::lock_guard lock(mu_);
    start = current_;
  }
  bool refreshed = false;
  for (size_t i = 0; i < endpoints_.size() && !stop.stop_requested(); ++i) {
    const Endpoint& ep = endpoints_[(start + i) % endpoints_.size()];
    std::string token;
    if (!config_.username.empty()) {
      auto t = current_token();  // authenticates on the endpoint that answers
      if (!t.ok()) return t.status_error();
      token = *t;
    }
    std::atomic<bool> cancel{false};
    std::stop_callback on_stop(stop, [&] { cancel = true; });
    bool created = false;
    std::optional<WatchEnd> ended;
    std::optional<util::Error> failed;
    int failed_code = 0;
    std::string buffer;
    httpclient::Request r = request_for(ep, "/v3/watch", body, token);
    r.timeout_ms = 0;  // a stream: only connecting has a deadline
    r.cancel = &cancel;
    r.on_data = [&](std::string_view piece) {
      bool parsed = for_each_line(buffer, piece, [&](const json& line) {
        int code = 0;
        std::string message;
        if (parse_error(line, code, message)) {
          failed_code = code;
          failed = grpc_error(code, "etcd watch: " + message);
          return false;
        }
        auto res = line.find("result");
        if (res == line.end() || !res->is_object()) return true;
        if (res->value("canceled", false)) {
          if (int64_t compacted = i64(*res, "compact_revision"); compacted > 0) {
            ended = WatchEnd{true, compacted};  // etcd keeps the stream open: end it here
          } else {
            std::string reason = res->value("cancel_reason", std::string("watch canceled"));
            failed_code = code_in_reason(reason);
            failed = grpc_error(failed_code ? failed_code : kGrpcUnavailable, "etcd watch: " + reason);
          }
          return false;
        }
        if (res->value("created", false)) {
          created = true;
          if (callbacks.on_created) callbacks.on_created(header_revision(*res));
        }
        if (auto evs = res->find("events"); evs != res->end() && evs->is_array() && !evs->empty()) {
          std::vector<WatchEvent> events;
          for (const auto& e : *evs) {
            WatchEvent we;
            we.type = e.value("type", std::string("PUT")) == "DELETE" ? WatchEvent::Type::kDelete
                                                                      : WatchEvent::Type::kPut;
            if (auto kv = e.find("kv"); kv != e.end() && kv->is_object()) we.kv = parse_kv(*kv);
            events.push_back(std::move(we));
          }
          if (callbacks.on_events) callbacks.on_events(events, header_revision(*res));
        }
        return true;
      });
      if (!parsed) failed = util::internal("etcd watch: an answer line is not JSON");
      return parsed && !failed && !ended;
    };
    auto resp = pool_.perform(r);
    if (stop.stop_requested()) return WatchEnd{};
    if (ended) return *ended;
    if (failed) {
      if (failed_code == kGrpcUnauthenticated && !refreshed && !config_.username.empty()) {
        drop_token(token);
        refreshed = true;
        --i;
        continue;
      }
      if (failed_code != kGrpcUnavailable || created) return *failed;
      last_error = failed->message;
      continue;
    }
    if (!resp.transport_ok()) {
      if (created) return util::unavailable("etcd watch on " + ep.url + " broke: " + resp.error);
      last_error = ep.url + ": " + resp.error;
      continue;
    }
    if (resp.status != 200) {
      last_error = ep.url + ": HTTP " + std::to_string(resp.status);
      continue;
    }
    return util::unavailable("etcd watch on " + ep.url + " ended");
  }
  if (stop.stop_requested()) return WatchEnd{};
  return util::unavailable("etcd: no endpoint answered /v3/watch (last: " + last_error + ")");
}

util::Result<std::string> EtcdClient::current_token() {
  std::string last_error = "no endpoint";
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    {
      std::lock_guard lock(mu_);
      if (!token_.empty()) return token_;
    }
    size_t index;
    {
      std::lock_guard lock(mu_);
      index = (current_ + i) % endpoints_.size();
    }
    auto s = authenticate_at(endpoints_[index]);
    if (s.ok()) continue;
    if (s.code() != util::ErrorCode::kUnavailable) return s.status_error();
    last_error = s.error();
  }
  std::lock_guard lock(mu_);
  if (!token_.empty()) return token_;
  return util::unavailable("etcd: no endpoint answered /v3/auth/authenticate (last: " + last_error + ")");
}

}  // namespace kv
