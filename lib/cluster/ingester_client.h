// IngesterClient: one ingester's internal API as seen from a distributor or a querier (protobuf
// bodies over keep-alive HTTP, paths in ingester_service.h). Errors carry the kind the ingester
// answered (its HTTP status mapped back to a util::ErrorCode); a transport failure or timeout is
// kUnavailable naming the ingester.
//
// IngesterClients keeps one client per address, created on first use.
//
// Thread-safety: every method may be called concurrently (connections come from a pool).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/wire.h"
#include "httpclient/http_request.h"
#include "util/result.h"

namespace cluster {

struct IngesterClientOptions {
  int64_t timeout_ms = 5000;          // ingester_client.remote_timeout, per call
  int64_t connect_timeout_ms = 1000;  // loopback and LAN peers connect fast; a dead one should fail fast
  int max_pushes_in_flight = 64;      // past this a push to the ingester fails at once (it is stuck)
};

class IngesterClient {
 public:
  IngesterClient(std::string address, IngesterClientOptions options);
  const std::string& address() const { return address_; }

  // `body`: a logproto.PushRequest (push::append_protobuf_stream fields), uncompressed.
  util::Status push(const std::string& tenant, std::string_view body);

  util::Result<EntryBatch> select(const SelectRequest& request);
  util::Result<EntryBatch> select_next(uint64_t session);
  void select_close(uint64_t session);  // best effort: an idle session expires anyway

  util::Result<std::vector<std::string>> label_names(const MetadataRequest& request);
  util::Result<std::vector<std::string>> label_values(const MetadataRequest& request);
  util::Result<std::vector<model::LabelSet>> series(const MetadataRequest& request);
  util::Result<std::vector<StreamStats>> stream_stats(const MetadataRequest& request);
  util::Result<std::vector<pattern::StreamPatterns>> patterns(const MetadataRequest& request);

  util::Result<uint64_t> tail_open(const std::string& tenant);
  // `cancel` (may be null) abandons a waiting poll at once when set.
  util::Result<EntryBatch> tail_poll(uint64_t session, const std::atomic<bool>* cancel = nullptr);
  void tail_close(uint64_t session);

  int pushes_in_flight() const { return pushes_in_flight_.load(); }

 private:
  // POSTs `body` to `path`; the answer's body on 2xx, else an error.
  util::Result<std::string> call(const std::string& path, std::string_view body, const std::string& tenant,
                                 int64_t timeout_ms, const std::atomic<bool>* cancel = nullptr);

  const std::string address_;
  const IngesterClientOptions options_;
  httpclient::ConnectionPool pool_;
  std::atomic<int> pushes_in_flight_{0};
};

class IngesterClients {
 public:
  explicit IngesterClients(IngesterClientOptions options) : options_(options) {}
  std::shared_ptr<IngesterClient> get(const std::string& address);

 private:
  const IngesterClientOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<IngesterClient>> clients_;
};

// The kind of error an HTTP status stands for (the inverse of util::http_status_of).
util::ErrorCode error_code_of_status(int status);

// An error from an answer: its status's kind and its body as the message (trailing newline off).
util::Error error_of_response(const httpclient::Response& response, const std::string& peer);

}  // namespace cluster
