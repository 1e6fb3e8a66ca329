#include "logd/forwarded_routes.h"

#include "logd/api.h"

namespace logd {

const std::vector<ForwardedRoute>& forwarded_routes() {
  static const std::vector<ForwardedRoute> routes = {
      {"/loki/api/v1/query", false, "loki_api_v1_query", &Api::query},
      {"/loki/api/v1/labels", false, "loki_api_v1_labels", &Api::labels},
      {"/loki/api/v1/label", false, "loki_api_v1_labels", &Api::labels},
      {"/loki/api/v1/label/", true, "loki_api_v1_label_name_values", &Api::label_values},
      {"/loki/api/v1/series", false, "loki_api_v1_series", &Api::series},
      {"/loki/api/v1/index/stats", false, "loki_api_v1_index_stats", &Api::index_stats},
      {"/loki/api/v1/index/volume", false, "loki_api_v1_index_volume", &Api::volume},
      {"/loki/api/v1/index/volume_range", false, "loki_api_v1_index_volume_range", &Api::volume_range},
      {"/loki/api/v1/detected_fields", false, "loki_api_v1_detected_fields", &Api::detected_fields},
      {"/loki/api/v1/detected_labels", false, "loki_api_v1_detected_labels", &Api::detected_labels},
      {"/loki/api/v1/detected_field/", true, "loki_api_v1_detected_field_name_values", &Api::detected_field_values},
      {"/loki/api/v1/patterns", false, "loki_api_v1_patterns", &Api::patterns},
      {"/loki/api/v1/format_query", false, "loki_api_v1_format_query", &Api::format_query},
  };
  return routes;
}

const ForwardedRoute* find_forwarded_route(std::string_view path) {
  const ForwardedRoute* best = nullptr;
  for (const ForwardedRoute& r : forwarded_routes()) {
    if (!r.prefix && path == r.path) return &r;  // exact routes win, as on the HTTP server
    if (r.prefix && path.starts_with(r.path) && (!best || std::string_view(r.path).size() > std::string_view(best->path).size())) {
      best = &r;
    }
  }
  return best;
}

}  // namespace logd
