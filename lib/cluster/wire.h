// The messages of logd's internal protocol (proto/cluster.proto) as plain structs, and their
// encoding: the only place that sees the generated protobuf classes. Pushes to ingesters are
// Loki's logproto.PushRequest (push/protobuf_encoder.h, push/protobuf_decoder.h) and are not here.
//
// Decoders check what they read (label names, sizes) and fail with kInvalidArgument on a body
// that is not the message; they never trust a length beyond the bytes present (protobuf's
// parser guarantees that). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/engine.h"
#include "model/entry.h"
#include "model/labels.h"
#include "pattern/pattern_series.h"
#include "query/executor.h"
#include "store/store.h"
#include "util/result.h"

namespace cluster {

// ---- ingester reads ----------------------------------------------------------------------------

struct SelectRequest {
  std::string tenant;
  std::vector<logql::ast::Matcher> matchers;
  std::vector<logql::ast::LineFilter> line_filters;  // applied by the ingester before sending
  int64_t start = 0;  // ns, inclusive
  int64_t end = 0;    // ns, exclusive
  bool backward = false;
  uint32_t batch_entries = 0;  // 0: the server's default
  uint32_t batch_bytes = 0;
};

// Entries in iteration order, each naming its stream by index into `streams`.
struct EntryBatch {
  std::vector<model::LabelSet> streams;
  std::vector<std::pair<uint32_t, model::Entry>> entries;
  uint64_t session = 0;  // 0: no more batches
  uint64_t dropped = 0;  // tail: entries dropped for a slow reader
};

struct MetadataRequest {
  std::string tenant;
  std::string name;  // label values only
  std::vector<logql::ast::Matcher> matchers;
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 0;  // patterns only
};

struct StreamStats {
  model::LabelSet labels;
  store::IndexStats stats;  // `streams` unused
  std::vector<store::ChunkSpan> spans;  // the parts `stats` sums
};

std::string encode_select_request(const SelectRequest& r);
util::Result<SelectRequest> decode_select_request(std::string_view bytes);
std::string encode_entry_batch(const EntryBatch& b);
util::Result<EntryBatch> decode_entry_batch(std::string_view bytes);
std::string encode_session(uint64_t session);
util::Result<uint64_t> decode_session(std::string_view bytes);
std::string encode_metadata_request(const MetadataRequest& r);
util::Result<MetadataRequest> decode_metadata_request(std::string_view bytes);
std::string encode_string_list(const std::vector<std::string>& values);
util::Result<std::vector<std::string>> decode_string_list(std::string_view bytes);
std::string encode_series_list(const std::vector<model::LabelSet>& series);
util::Result<std::vector<model::LabelSet>> decode_series_list(std::string_view bytes);
std::string encode_stream_stats(const std::vector<StreamStats>& stats);
util::Result<std::vector<StreamStats>> decode_stream_stats(std::string_view bytes);
std::string encode_stream_patterns(const std::vector<pattern::StreamPatterns>& streams);
util::Result<std::vector<pattern::StreamPatterns>> decode_stream_patterns(std::string_view bytes);
std::string encode_tail_open(const std::string& tenant);
util::Result<std::string> decode_tail_open(std::string_view bytes);

// ---- query-frontend <-> querier ----------------------------------------------------------------

// A request the querier answers with its own HTTP API (labels, series, instant queries, ...).
struct ForwardedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;   // query string and form body
  std::vector<std::pair<std::string, std::string>> headers;  // the ones the API reads
};

struct ForwardedResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

// One piece of a split range query.
struct QueryPiece {
  std::string query;
  logql::QueryParams params;  // start, end, step, interval, limit, direction, categorize_labels (never instant)
};

struct WorkItem {
  uint64_t id = 0;
  std::string org_id;  // X-Scope-OrgID as sent
  bool is_query = false;
  ForwardedRequest http;  // when !is_query
  QueryPiece query;       // when is_query
};

struct PieceResult {
  logql::QueryResult result;
  query::ExecStats stats;
};

struct WorkResult {
  uint64_t id = 0;
  // A failed piece: the status and message the querier's API would have answered; 0 when it
  // succeeded.
  int error_status = 0;
  std::string error;
  bool is_query = false;
  ForwardedResponse http;
  PieceResult query;
};

struct WorkerPoll {
  std::string worker;
  std::vector<WorkResult> results;
};

std::string encode_worker_poll(const WorkerPoll& p);
util::Result<WorkerPoll> decode_worker_poll(std::string_view bytes);
std::string encode_work_items(const std::vector<WorkItem>& items);
util::Result<std::vector<WorkItem>> decode_work_items(std::string_view bytes);

// The media type of every internal body.
inline constexpr const char* kProtobufContentType = "application/x-protobuf";

}  // namespace cluster
