#include "maint/index_stats.h"


#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "maint/store_snapshot.h"
#include "golang/quote.h"
#include "model/json_string.h"
#include "model/time.h"

namespace maint {

util::Result<TenantStats> tenant_stats(const Target& target, const std::string& tenant, size_t top) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  auto objects = list_chunk_objects(target, tenant);
  if (!objects.ok()) return objects.status_error();
  TenantStats st;
  st.tenant = tenant;
  st.periods = snap->periods.size();
  st.index_files = snap->file_count();
  auto chunks = indexed_chunks(*snap);
  std::set<model::LabelSet> series;
  st.min_time = std::numeric_limits<int64_t>::max();
  st.max_time = std::numeric_limits<int64_t>::min();
  for (const auto& [file, c] : chunks) {
    series.insert(c.labels);
    st.entries += c.ref.entries;
    st.bytes += c.ref.bytes;
    st.min_time = std::min(st.min_time, c.ref.min_time);
    st.max_time = std::max(st.max_time, c.ref.max_time);
    if (c.ref.in_segment()) {
      if (objects->count(c.ref.file)) st.file_bytes += c.ref.length;  // its share of the segment
    } else if (auto o = objects->find(file); o != objects->end()) {
      st.file_bytes += o->second.size;
    }
  }
  if (chunks.empty()) st.min_time = st.max_time = 0;
  st.chunks = chunks.size();
  st.series = series.size();
  std::map<std::string, std::map<std::string, size_t>> values;  // name -> value -> series
  for (const auto& ls : series)
    for (const auto& l : ls) ++values[l.name][l.value];
  std::vector<LabelValueCount> all;
  for (const auto& [name, vs] : values) {
    LabelCardinality lc{name, vs.size(), 0};
    for (const auto& [v, n] : vs) {
      lc.series += n;
      all.push_back(LabelValueCount{name, v, n});
    }
    st.labels.push_back(std::move(lc));
  }
  std::stable_sort(st.labels.begin(), st.labels.end(),
                   [](const LabelCardinality& a, const LabelCardinality& b) { return a.values > b.values; });
  std::stable_sort(all.begin(), all.end(),
                   [](const LabelValueCount& a, const LabelValueCount& b) { return a.series > b.series; });
  if (all.size() > top) all.resize(top);
  st.top_values = std::move(all);
  return st;
}

std::string format_stats_text(const TenantStats& st) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "tenant %s\n  periods:      %zu (%zu index files)\n  series:       %zu\n  chunks:       %zu\n"
                "  entries:      %llu\n  bytes:        %s (raw lines)\n  on disk:      %s (chunk files)\n",
                st.tenant.c_str(), st.periods, st.index_files, st.series, st.chunks,
                static_cast<unsigned long long>(st.entries), model::format_bytes(st.bytes).c_str(),
                model::format_bytes(st.file_bytes).c_str());
  out += buf;
  if (st.chunks > 0) {
    out += "  from:         " + model::format_rfc3339nano(st.min_time) + "\n";
    out += "  through:      " + model::format_rfc3339nano(st.max_time) + "\n";
  }
  out += "  label cardinality (distinct values, series):\n";
  for (const auto& l : st.labels) {
    std::snprintf(buf, sizeof buf, "    %-30s %8zu %8zu\n", l.name.c_str(), l.values, l.series);
    out += buf;
  }
  out += "  top label values by series count:\n";
  for (const auto& v : st.top_values) {
    std::string pair = v.name + "=" + golang::quote(v.value);
    std::snprintf(buf, sizeof buf, "    %-50s %8zu\n", pair.c_str(), v.series);
    out += buf;
  }
  return out;
}

std::string format_stats_json(const TenantStats& st) {
  std::string out = "{\"tenant\":";
  model::append_json_string(out, st.tenant);
  out += ",\"periods\":" + std::to_string(st.periods) + ",\"indexFiles\":" + std::to_string(st.index_files) +
         ",\"series\":" + std::to_string(st.series) + ",\"chunks\":" + std::to_string(st.chunks) +
         ",\"entries\":" + std::to_string(st.entries) + ",\"bytes\":" + std::to_string(st.bytes) +
         ",\"fileBytes\":" + std::to_string(st.file_bytes) + ",\"labels\":[";
  for (size_t i = 0; i < st.labels.size(); ++i) {
    if (i) out += ',';
    out += "{\"name\":";
    model::append_json_string(out, st.labels[i].name);
    out += ",\"values\":" + std::to_string(st.labels[i].values) + ",\"series\":" + std::to_string(st.labels[i].series) + "}";
  }
  out += "],\"topValues\":[";
  for (size_t i = 0; i < st.top_values.size(); ++i) {
    if (i) out += ',';
    out += "{\"name\":";
    model::append_json_string(out, st.top_values[i].name);
    out += ",\"value\":";
    model::append_json_string(out, st.top_values[i].value);
    out += ",\"series\":" + std::to_string(st.top_values[i].series) + "}";
  }
  out += "]}";
  return out;
}

}  // namespace maint
