#include "logd/ruler_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "golang/float_format.h"
#include "model/time.h"
#include "ruler/rule_compile.h"

namespace logd {
namespace {

using nlohmann::json;

http::Response yaml_response(std::string body) {
  http::Response r{200, {}, std::move(body)};
  r.headers.set("Content-Type", "application/yaml");
  return r;
}

http::Response accepted() {
  return http::Response::json(202, R"({"status":"success","data":null,"errorType":"","error":""})");
}

// The part of the path after `prefix` split into namespace and group ("" when absent).
void split_path(const std::string& path, const std::string& prefix, std::string& ns, std::string& group) {
  std::string rest = path.size() > prefix.size() ? path.substr(prefix.size()) : "";
  if (!rest.empty() && rest[0] == '/') rest.erase(0, 1);
  size_t slash = rest.find('/');
  ns = rest.substr(0, slash);
  group = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!group.empty() && group.back() == '/') group.pop_back();
}

// Go's time.Time JSON (RFC 3339 with nanoseconds); the zero time for "never".
std::string go_time(int64_t ns) { return ns == 0 ? "0001-01-01T00:00:00Z" : model::format_rfc3339nano(ns); }

json labels_json(const model::LabelSet& l) {
  json j = json::object();
  for (const auto& x : l) j[x.name] = x.value;
  return j;
}

json map_json(const std::vector<std::pair<std::string, std::string>>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

json alert_json(const ruler::Alert& a) {
  return json{{"labels", labels_json(a.labels)},
              {"annotations", map_json(a.annotations)},
              {"state", std::string(ruler::alert_state_name(a.state))},
              {"activeAt", go_time(a.active_at)},
              {"value", golang::format_float(a.value, 'e', -1)}};
}

}  // namespace

void RulerApi::register_routes(http::Server& server, bool rules_api) {
  if (rules_api) {
    for (const std::string prefix : {"/loki/api/v1/rules", "/api/prom/rules"}) {
      auto list = [this, prefix](const http::Request& r) { return this->list(r, prefix); };
      auto change = [this, prefix](const http::Request& r) { return this->change(r, prefix); };
      server.route("GET", prefix, list);
      server.route_prefix("GET", prefix + "/", list);
      server.route_prefix("POST", prefix + "/", change);
      server.route_prefix("DELETE", prefix + "/", change);
    }
  }
  server.route("GET", "/prometheus/api/v1/rules", [this](const http::Request& r) { return prometheus_rules(r); });
  server.route("GET", "/prometheus/api/v1/alerts", [this](const http::Request& r) { return prometheus_alerts(r); });
}

http::Response RulerApi::list(const http::Request& req, const std::string& prefix) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  const std::string& tenant = (*t)[0];
  std::string ns, group;
  split_path(req.path, prefix, ns, group);
  ruler::RuleStore& store = ruler_.store();
  std::lock_guard lock(ruler_.store_mutex());
  if (!group.empty()) {
    auto groups = ruler::read_rule_groups(store, tenant, ns);
    if (!groups.ok()) return error_response(groups.status_error());
    for (const auto& g : *groups) {
      if (g.name == group) return yaml_response(ruler::format_rule_group(g));
    }
    return error_response(util::not_found("group does not exist"));
  }
  std::vector<std::string> namespaces;
  if (!ns.empty()) {
    namespaces = {ns};
  } else {
    auto all = store.list_namespaces(tenant);
    if (!all.ok()) return error_response(all.status_error());
    namespaces = std::move(*all);
  }
  std::vector<std::pair<std::string, std::vector<ruler::RuleGroup>>> out;
  for (const std::string& n : namespaces) {
    auto groups = ruler::read_rule_groups(store, tenant, n);
    if (!groups.ok()) {
      if (groups.code() == util::ErrorCode::kNotFound) continue;
      return error_response(groups.status_error());
    }
    if (!groups->empty()) out.emplace_back(n, std::move(*groups));
  }
  if (out.empty()) return error_response(util::not_found("no rule groups found"));
  return yaml_response(ruler::format_namespaces(out));
}

http::Response RulerApi::change(const http::Request& req, const std::string& prefix) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  const std::string& tenant = (*t)[0];
  std::string ns, group;
  split_path(req.path, prefix, ns, group);
  if (ns.empty()) return error_response(util::invalid_argument("a namespace must be provided in the request"));
  if (auto st = ruler::check_store_name("namespace", ns); !st.ok()) return error_response(st.status_error());
  util::Status st;
  if (req.method == "POST") {
    if (!group.empty()) return http::Response::text(405, "method not allowed: POST a group to /rules/{namespace}\n");
    std::vector<ruler::RuleError> errors;
    auto parsed = ruler::parse_rule_group(req.body, &errors);
    if (!parsed.ok()) return error_response(parsed.status_error());
    if (!ruler::compile_group(*parsed, ns, errors)) {
      std::string msg;
      for (const auto& e : errors) msg += (msg.empty() ? "" : ", ") + e.to_string();
      return error_response(util::invalid_argument(msg));
    }
    std::lock_guard lock(ruler_.store_mutex());
    st = ruler_.store().set_group(tenant, ns, *parsed);
  } else {
    std::lock_guard lock(ruler_.store_mutex());
    st = group.empty() ? ruler_.store().delete_namespace(tenant, ns)
                       : ruler_.store().delete_group(tenant, ns, group);
  }
  if (!st.ok()) return error_response(st.status_error());
  ruler_.sync();
  return accepted();
}

http::Response RulerApi::prometheus_rules(const http::Request& req) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  std::string type(req.param("type").value_or(""));
  if (!type.empty() && type != "alert" && type != "record") {
    return http::Response::json(400, json{{"status", "error"}, {"errorType", "bad_data"},
                                          {"error", "unsupported rule type " + type}}.dump());
  }
  auto groups = ruler_.groups((*t)[0]);
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name_space, a.name) < std::tie(b.name_space, b.name);
  });
  json out = json::array();
  for (const ruler::GroupStatus& g : groups) {
    json rules = json::array();
    for (const ruler::RuleStatus& rs : g.rules) {
      const ruler::Rule& r = rs.rule->rule;
      if ((type == "alert" && !r.is_alert()) || (type == "record" && r.is_alert())) continue;
      json j{{"name", r.name()},
             {"query", r.expr},
             {"labels", map_json(r.labels)},
             {"health", rs.health},
             {"lastError", rs.last_error},
             {"lastEvaluation", go_time(rs.last_eval_ns)},
             {"evaluationTime", rs.eval_seconds}};
      if (r.is_alert()) {
        json alerts = json::array();
        for (const auto& a : rs.alerts) {
          if (a.state != ruler::AlertState::kInactive) alerts.push_back(alert_json(a));
        }
        j["state"] = std::string(ruler::alert_state_name(rs.state));
        j["duration"] = static_cast<double>(r.for_ns) / 1e9;
        j["keepFiringFor"] = static_cast<double>(r.keep_firing_for_ns) / 1e9;
        j["annotations"] = map_json(r.annotations);
        j["alerts"] = alerts;
        j["type"] = "alerting";
      } else {
        j["type"] = "recording";
      }
      rules.push_back(std::move(j));
    }
    if (!type.empty() && rules.empty()) continue;
    out.push_back(json{{"name", g.name},
                       {"file", g.name_space},
                       {"rules", rules},
                       {"interval", static_cast<double>(g.interval_ns) / 1e9},
                       {"lastEvaluation", go_time(g.last_eval_ns)},
                       {"evaluationTime", g.eval_seconds}});
  }
  return http::Response::json(200, json{{"status", "success"}, {"data", {{"groups", out}}}}.dump());
}

http::Response RulerApi::prometheus_alerts(const http::Request& req) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  json alerts = json::array();
  for (const ruler::GroupStatus& g : ruler_.groups((*t)[0])) {
    for (const ruler::RuleStatus& rs : g.rules) {
      for (const auto& a : rs.alerts) {
        if (a.state != ruler::AlertState::kInactive) alerts.push_back(alert_json(a));
      }
    }
  }
  return http::Response::json(200, json{{"status", "success"}, {"data", {{"alerts", alerts}}}}.dump());
}

}  // namespace logd
