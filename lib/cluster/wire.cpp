#include "cluster/wire.h"

#include "cluster.pb.h"

namespace cluster {
namespace {

namespace pb = logkit::cluster;

template <class Msg>
util::Result<Msg> parse(std::string_view bytes, const char* what) {
  Msg m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return util::invalid_argument(std::string("malformed ") + what + " message");
  }
  return m;
}

template <class Msg>
std::string serialize(const Msg& m) {
  std::string out;
  m.SerializeToString(&out);
  return out;
}

void put_labels(pb::Labels* out, const model::LabelSet& labels) {
  out->mutable_pairs()->Reserve(static_cast<int>(labels.size()));
  for (const auto& l : labels) {
    auto* p = out->add_pairs();
    p->set_name(l.name);
    p->set_value(l.value);
  }
}

util::Result<model::LabelSet> get_labels(const pb::Labels& in) {
  std::vector<model::Label> pairs;
  pairs.reserve(static_cast<size_t>(in.pairs_size()));
  for (const auto& p : in.pairs()) {
    if (!model::is_valid_label_name(p.name()) || p.value().empty()) {
      return util::invalid_argument("malformed label set in an internal message");
    }
    pairs.push_back({p.name(), p.value()});
  }
  return model::LabelSet::from_unsorted(std::move(pairs));
}

void put_pairs(google::protobuf::RepeatedPtrField<pb::LabelPair>* out, const model::LabelSet& labels) {
  for (const auto& l : labels) {
    auto* p = out->Add();
    p->set_name(l.name);
    p->set_value(l.value);
  }
}

void put_metadata(pb::Entry* out, const model::LabelSet& metadata) { put_pairs(out->mutable_metadata(), metadata); }

model::LabelSet get_pairs(google::protobuf::RepeatedPtrField<pb::LabelPair>* in) {
  if (in->empty()) return {};
  std::vector<model::Label> pairs;
  pairs.reserve(static_cast<size_t>(in->size()));
  for (auto& p : *in) pairs.push_back({std::move(*p.mutable_name()), std::move(*p.mutable_value())});
  return model::LabelSet::from_unsorted(std::move(pairs));
}

model::Entry get_entry(pb::Entry& in) {
  model::Entry e;
  e.timestamp = in.timestamp_ns();
  e.line = std::move(*in.mutable_line());
  e.metadata = get_pairs(in.mutable_metadata());
  e.parsed = get_pairs(in.mutable_parsed());
  return e;
}

void put_matchers(google::protobuf::RepeatedPtrField<pb::Matcher>* out, const std::vector<logql::ast::Matcher>& ms) {
  for (const auto& m : ms) {
    auto* p = out->Add();
    p->set_name(m.name);
    p->set_op(static_cast<int32_t>(m.op));
    p->set_value(m.value);
  }
}

util::Result<std::vector<logql::ast::Matcher>> get_matchers(const google::protobuf::RepeatedPtrField<pb::Matcher>& in) {
  std::vector<logql::ast::Matcher> out;
  for (const auto& p : in) {
    if (p.op() < 0 || p.op() > static_cast<int32_t>(logql::ast::MatchOp::Nre)) {
      return util::invalid_argument("unknown matcher operator in an internal message");
    }
    out.push_back({p.name(), static_cast<logql::ast::MatchOp>(p.op()), p.value()});
  }
  return out;
}

void put_stats(pb::ExecStats* out, const query::ExecStats& s) {
  out->set_lines_processed(s.lines_processed);
  out->set_bytes_processed(s.bytes_processed);
  out->set_entries_returned(s.entries_returned);
  out->set_splits(s.splits);
  out->set_exec_seconds(s.exec_seconds);
}

query::ExecStats get_stats(const pb::ExecStats& in) {
  query::ExecStats s;
  s.lines_processed = in.lines_processed();
  s.bytes_processed = in.bytes_processed();
  s.entries_returned = in.entries_returned();
  s.splits = in.splits();
  s.exec_seconds = in.exec_seconds();
  return s;
}

void put_query_result(pb::QueryResult* out, const PieceResult& r) {
  const logql::QueryResult& q = r.result;
  out->set_type(static_cast<int32_t>(q.type));
  for (const auto& s : q.streams) {
    auto* ps = out->add_streams();
    put_labels(ps->mutable_labels(), s.labels);
    ps->mutable_entries()->Reserve(static_cast<int>(s.entries.size()));
    for (const auto& e : s.entries) {
      auto* pe = ps->add_entries();
      pe->set_timestamp_ns(e.timestamp);
      pe->set_line(e.line);
      put_metadata(pe, e.metadata);
      put_pairs(pe->mutable_parsed(), e.parsed);
    }
  }
  for (const auto& s : q.matrix) {
    auto* ps = out->add_matrix();
    put_labels(ps->mutable_labels(), s.labels);
    ps->mutable_points()->Reserve(static_cast<int>(s.points.size()));
    for (const auto& p : s.points) {
      auto* pp = ps->add_points();
      pp->set_t_ns(p.t);
      pp->set_v(p.v);
    }
  }
  for (const auto& s : q.vector) {
    auto* ps = out->add_vector();
    put_labels(ps->mutable_labels(), s.labels);
    ps->mutable_point()->set_t_ns(s.point.t);
    ps->mutable_point()->set_v(s.point.v);
  }
  out->mutable_scalar()->set_t_ns(q.scalar.t);
  out->mutable_scalar()->set_v(q.scalar.v);
  put_stats(out->mutable_stats(), r.stats);
}

util::Result<PieceResult> get_query_result(pb::QueryResult& in) {
  PieceResult r;
  logql::QueryResult& q = r.result;
  if (in.type() < 0 || in.type() > static_cast<int32_t>(logql::ResultType::Scalar)) {
    return util::invalid_argument("unknown result type in an internal message");
  }
  q.type = static_cast<logql::ResultType>(in.type());
  for (auto& ps : *in.mutable_streams()) {
    auto labels = get_labels(ps.labels());
    if (!labels.ok()) return labels.status_error();
    logql::Stream s{std::move(*labels), {}};
    s.entries.reserve(static_cast<size_t>(ps.entries_size()));
    for (auto& pe : *ps.mutable_entries()) s.entries.push_back(get_entry(pe));
    q.streams.push_back(std::move(s));
  }
  for (const auto& ps : in.matrix()) {
    auto labels = get_labels(ps.labels());
    if (!labels.ok()) return labels.status_error();
    logql::Series s{std::move(*labels), {}};
    s.points.reserve(static_cast<size_t>(ps.points_size()));
    for (const auto& pp : ps.points()) s.points.push_back({pp.t_ns(), pp.v()});
    q.matrix.push_back(std::move(s));
  }
  for (const auto& ps : in.vector()) {
    auto labels = get_labels(ps.labels());
    if (!labels.ok()) return labels.status_error();
    q.vector.push_back({std::move(*labels), {ps.point().t_ns(), ps.point().v()}});
  }
  q.scalar = {in.scalar().t_ns(), in.scalar().v()};
  r.stats = get_stats(in.stats());
  return r;
}

}  // namespace

std::string encode_select_request(const SelectRequest& r) {
  pb::SelectRequest m;
  m.set_tenant(r.tenant);
  put_matchers(m.mutable_matchers(), r.matchers);
  for (const auto& f : r.line_filters) {
    auto* p = m.add_line_filters();
    p->set_op(static_cast<int32_t>(f.op));
    for (const auto& v : f.values) p->add_values(v);
    p->set_ip(f.ip);
  }
  m.set_start_ns(r.start);
  m.set_end_ns(r.end);
  m.set_backward(r.backward);
  m.set_batch_entries(r.batch_entries);
  m.set_batch_bytes(r.batch_bytes);
  return serialize(m);
}

util::Result<SelectRequest> decode_select_request(std::string_view bytes) {
  auto m = parse<pb::SelectRequest>(bytes, "select request");
  if (!m.ok()) return m.status_error();
  SelectRequest r;
  r.tenant = m->tenant();
  auto matchers = get_matchers(m->matchers());
  if (!matchers.ok()) return matchers.status_error();
  r.matchers = std::move(*matchers);
  for (const auto& p : m->line_filters()) {
    if (p.op() < 0 || p.op() > static_cast<int32_t>(logql::ast::LineFilterOp::NotPattern)) {
      return util::invalid_argument("unknown line filter operator in an internal message");
    }
    logql::ast::LineFilter f;
    f.op = static_cast<logql::ast::LineFilterOp>(p.op());
    f.values.assign(p.values().begin(), p.values().end());
    f.ip = p.ip();
    r.line_filters.push_back(std::move(f));
  }
  r.start = m->start_ns();
  r.end = m->end_ns();
  r.backward = m->backward();
  r.batch_entries = m->batch_entries();
  r.batch_bytes = m->batch_bytes();
  return r;
}

std::string encode_entry_batch(const EntryBatch& b) {
  pb::EntryBatch m;
  for (const auto& s : b.streams) put_labels(m.add_streams(), s);
  m.mutable_entries()->Reserve(static_cast<int>(b.entries.size()));
  for (const auto& [stream, e] : b.entries) {
    auto* p = m.add_entries();
    p->set_timestamp_ns(e.timestamp);
    p->set_line(e.line);
    put_metadata(p, e.metadata);
    p->set_stream(stream);
  }
  m.set_session(b.session);
  m.set_dropped(b.dropped);
  return serialize(m);
}

util::Result<EntryBatch> decode_entry_batch(std::string_view bytes) {
  auto m = parse<pb::EntryBatch>(bytes, "entry batch");
  if (!m.ok()) return m.status_error();
  EntryBatch b;
  b.streams.reserve(static_cast<size_t>(m->streams_size()));
  for (const auto& s : m->streams()) {
    auto labels = get_labels(s);
    if (!labels.ok()) return labels.status_error();
    b.streams.push_back(std::move(*labels));
  }
  b.entries.reserve(static_cast<size_t>(m->entries_size()));
  for (auto& p : *m->mutable_entries()) {
    if (p.stream() >= b.streams.size()) return util::invalid_argument("entry batch: stream index out of range");
    b.entries.emplace_back(p.stream(), get_entry(p));
  }
  b.session = m->session();
  b.dropped = m->dropped();
  return b;
}

std::string encode_session(uint64_t session) {
  pb::SessionRequest m;
  m.set_session(session);
  return serialize(m);
}

util::Result<uint64_t> decode_session(std::string_view bytes) {
  auto m = parse<pb::SessionRequest>(bytes, "session");
  if (!m.ok()) return m.status_error();
  return static_cast<uint64_t>(m->session());
}

std::string encode_metadata_request(const MetadataRequest& r) {
  pb::MetadataRequest m;
  m.set_tenant(r.tenant);
  m.set_name(r.name);
  put_matchers(m.mutable_matchers(), r.matchers);
  m.set_start_ns(r.start);
  m.set_end_ns(r.end);
  m.set_step_ns(r.step);
  return serialize(m);
}

util::Result<MetadataRequest> decode_metadata_request(std::string_view bytes) {
  auto m = parse<pb::MetadataRequest>(bytes, "metadata request");
  if (!m.ok()) return m.status_error();
  MetadataRequest r;
  r.tenant = m->tenant();
  r.name = m->name();
  auto matchers = get_matchers(m->matchers());
  if (!matchers.ok()) return matchers.status_error();
  r.matchers = std::move(*matchers);
  r.start = m->start_ns();
  r.end = m->end_ns();
  r.step = m->step_ns();
  return r;
}

std::string encode_string_list(const std::vector<std::string>& values) {
  pb::StringList m;
  for (const auto& v : values) m.add_values(v);
  return serialize(m);
}

util::Result<std::vector<std::string>> decode_string_list(std::string_view bytes) {
  auto m = parse<pb::StringList>(bytes, "string list");
  if (!m.ok()) return m.status_error();
  return std::vector<std::string>(m->values().begin(), m->values().end());
}

std::string encode_series_list(const std::vector<model::LabelSet>& series) {
  pb::SeriesList m;
  for (const auto& s : series) put_labels(m.add_series(), s);
  return serialize(m);
}

util::Result<std::vector<model::LabelSet>> decode_series_list(std::string_view bytes) {
  auto m = parse<pb::SeriesList>(bytes, "series list");
  if (!m.ok()) return m.status_error();
  std::vector<model::LabelSet> out;
  out.reserve(static_cast<size_t>(m->series_size()));
  for (const auto& s : m->series()) {
    auto labels = get_labels(s);
    if (!labels.ok()) return labels.status_error();
    out.push_back(std::move(*labels));
  }
  return out;
}

std::string encode_stream_stats(const std::vector<StreamStats>& stats) {
  pb::StatsResponse m;
  for (const auto& s : stats) {
    auto* p = m.add_streams();
    put_labels(p->mutable_labels(), s.labels);
    p->set_chunks(s.stats.chunks);
    p->set_entries(s.stats.entries);
    p->set_bytes(s.stats.bytes);
    for (const auto& sp : s.spans) {
      auto* q = p->add_spans();
      q->set_min_time(sp.min_time);
      q->set_max_time(sp.max_time);
      q->set_entries(sp.entries);
      q->set_bytes(sp.bytes);
    }
  }
  return serialize(m);
}

util::Result<std::vector<StreamStats>> decode_stream_stats(std::string_view bytes) {
  auto m = parse<pb::StatsResponse>(bytes, "stats response");
  if (!m.ok()) return m.status_error();
  std::vector<StreamStats> out;
  for (const auto& p : m->streams()) {
    auto labels = get_labels(p.labels());
    if (!labels.ok()) return labels.status_error();
    StreamStats s;
    s.labels = std::move(*labels);
    s.stats.chunks = p.chunks();
    s.stats.entries = p.entries();
    s.stats.bytes = p.bytes();
    s.spans.reserve(static_cast<size_t>(p.spans_size()));
    for (const auto& q : p.spans()) s.spans.push_back(store::ChunkSpan{q.min_time(), q.max_time(), q.entries(), q.bytes()});
    out.push_back(std::move(s));
  }
  return out;
}

std::string encode_stream_patterns(const std::vector<pattern::StreamPatterns>& streams) {
  pb::PatternsResponse m;
  for (const auto& stream : streams) {
    auto* ps = m.add_streams();
    put_labels(ps->mutable_labels(), stream.labels);
    for (const auto& series : stream.series) {
      auto* p = ps->add_series();
      p->set_pattern(series.pattern);
      p->set_level(series.level);
      for (const auto& sample : series.samples) {
        auto* q = p->add_samples();
        q->set_ts_ms(sample.ts_ms);
        q->set_count(sample.count);
      }
    }
  }
  return serialize(m);
}

util::Result<std::vector<pattern::StreamPatterns>> decode_stream_patterns(std::string_view bytes) {
  auto m = parse<pb::PatternsResponse>(bytes, "patterns response");
  if (!m.ok()) return m.status_error();
  std::vector<pattern::StreamPatterns> out;
  for (auto& ps : *m->mutable_streams()) {
    auto labels = get_labels(ps.labels());
    if (!labels.ok()) return labels.status_error();
    pattern::StreamPatterns stream{std::move(*labels), {}};
    for (auto& p : *ps.mutable_series()) {
      pattern::PatternSeries series{std::move(*p.mutable_pattern()), std::move(*p.mutable_level()), {}};
      for (const auto& q : p.samples()) series.samples.push_back({q.ts_ms(), q.count()});
      stream.series.push_back(std::move(series));
    }
    out.push_back(std::move(stream));
  }
  return out;
}

std::string encode_tail_open(const std::string& tenant) {
  pb::TailOpenRequest m;
  m.set_tenant(tenant);
  return serialize(m);
}

util::Result<std::string> decode_tail_open(std::string_view bytes) {
  auto m = parse<pb::TailOpenRequest>(bytes, "tail request");
  if (!m.ok()) return m.status_error();
  return m->tenant();
}

std::string encode_worker_poll(const WorkerPoll& p) {
  pb::WorkerPoll m;
  m.set_worker(p.worker);
  for (const auto& r : p.results) {
    auto* pr = m.add_results();
    pr->set_id(r.id);
    pr->set_error_status(r.error_status);
    pr->set_error(r.error);
    if (r.error_status != 0) continue;
    if (r.is_query) {
      put_query_result(pr->mutable_query(), r.query);
    } else {
      auto* h = pr->mutable_http();
      h->set_status(r.http.status);
      h->set_content_type(r.http.content_type);
      h->set_body(r.http.body);
    }
  }
  return serialize(m);
}

util::Result<WorkerPoll> decode_worker_poll(std::string_view bytes) {
  auto m = parse<pb::WorkerPoll>(bytes, "worker poll");
  if (!m.ok()) return m.status_error();
  WorkerPoll p;
  p.worker = m->worker();
  for (auto& pr : *m->mutable_results()) {
    WorkResult r;
    r.id = pr.id();
    r.error_status = pr.error_status();
    r.error = pr.error();
    if (pr.has_query()) {
      r.is_query = true;
      auto q = get_query_result(*pr.mutable_query());
      if (!q.ok()) return q.status_error();
      r.query = std::move(*q);
    } else if (pr.has_http()) {
      r.http.status = pr.http().status();
      r.http.content_type = pr.http().content_type();
      r.http.body = std::move(*pr.mutable_http()->mutable_body());
    } else if (r.error_status == 0) {
      return util::invalid_argument("worker poll: a result without an answer or an error");
    }
    p.results.push_back(std::move(r));
  }
  return p;
}

std::string encode_work_items(const std::vector<WorkItem>& items) {
  pb::WorkerPollResponse m;
  for (const auto& item : items) {
    auto* p = m.add_items();
    p->set_id(item.id);
    p->set_org_id(item.org_id);
    if (item.is_query) {
      auto* q = p->mutable_query();
      const logql::QueryParams& qp = item.query.params;
      q->set_query(item.query.query);
      q->set_start_ns(qp.start);
      q->set_end_ns(qp.end);
      q->set_step_ns(qp.step);
      q->set_interval_ns(qp.interval);
      q->set_limit(qp.limit);
      q->set_backward(qp.direction == logql::Direction::Backward);
      q->set_categorize_labels(qp.categorize_labels);
    } else {
      auto* h = p->mutable_http();
      h->set_method(item.http.method);
      h->set_path(item.http.path);
      for (const auto& [k, v] : item.http.params) {
        auto* kv = h->add_params();
        kv->set_name(k);
        kv->set_value(v);
      }
      for (const auto& [k, v] : item.http.headers) {
        auto* kv = h->add_headers();
        kv->set_name(k);
        kv->set_value(v);
      }
    }
  }
  return serialize(m);
}

util::Result<std::vector<WorkItem>> decode_work_items(std::string_view bytes) {
  auto m = parse<pb::WorkerPollResponse>(bytes, "work items");
  if (!m.ok()) return m.status_error();
  std::vector<WorkItem> out;
  for (const auto& p : m->items()) {
    WorkItem item;
    item.id = p.id();
    item.org_id = p.org_id();
    if (p.has_query()) {
      item.is_query = true;
      const auto& q = p.query();
      item.query.query = q.query();
      logql::QueryParams& qp = item.query.params;
      qp.start = q.start_ns();
      qp.end = q.end_ns();
      qp.step = q.step_ns();
      qp.interval = q.interval_ns();
      qp.limit = q.limit();
      qp.direction = q.backward() ? logql::Direction::Backward : logql::Direction::Forward;
      qp.instant = false;
      qp.categorize_labels = q.categorize_labels();
    } else if (p.has_http()) {
      const auto& h = p.http();
      item.http.method = h.method();
      item.http.path = h.path();
      for (const auto& kv : h.params()) item.http.params.emplace_back(kv.name(), kv.value());
      for (const auto& kv : h.headers()) item.http.headers.emplace_back(kv.name(), kv.value());
    } else {
      return util::invalid_argument("work item without a request");
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace cluster
