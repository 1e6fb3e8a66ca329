// kubernetes_sd_configs parsing (see config_yaml.h). Validation follows Prometheus's
// SDConfig.UnmarshalYAML: a role is required, api_server and kubeconfig_file exclude each other
// (and kubeconfig_file excludes HTTP client settings), a selector's role must be one the
// discovery role watches (endpoints and endpointslice also watch pods and services) and appear
// once.
#include "logtail/config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "config/field_reader.h"

namespace logtail {

using config::FieldReader;
namespace {

// The selector roles a discovery role accepts: the kinds it watches (Prometheus lists them in
// this order in its error message).
std::vector<discovery::KubernetesRole> allowed_selectors(discovery::KubernetesRole role) {
  using discovery::KubernetesRole;
  if (role == KubernetesRole::kEndpoints || role == KubernetesRole::kEndpointSlice) {
    return {KubernetesRole::kPod, KubernetesRole::kService, role};
  }
  return {role};
}

bool selector_allowed(discovery::KubernetesRole role, discovery::KubernetesRole selector) {
  for (auto r : allowed_selectors(role)) {
    if (r == selector) return true;
  }
  return false;
}

std::string allowed_selector_roles(discovery::KubernetesRole role) {
  std::string out;
  for (auto r : allowed_selectors(role)) out += (out.empty() ? "" : ", ") + std::string(discovery::kubernetes_role_name(r));
  return out;
}

// The HTTP client settings Prometheus inlines into an SD config that logtail does not implement
// are rejected by name; tls_config is read with the keys it implements. Returns whether a
// tls_config was given.
bool read_client_tls(FieldReader& r, const std::string& path, std::string& ca_file, std::string& cert_file,
                     std::string& key_file, bool& insecure_skip_verify) {
  bool given = false;
  if (YAML::Node tls = r.child("tls_config"); tls.IsDefined()) {
    FieldReader t(tls, path + ".tls_config");
    t.read_string("ca_file", ca_file);
    t.read_string("cert_file", cert_file);
    t.read_string("key_file", key_file);
    t.read_bool("insecure_skip_verify", insecure_skip_verify);
    for (const char* key : {"ca", "cert", "key", "server_name", "min_version", "max_version"}) t.reject(key, "");
    if (cert_file.empty() != key_file.empty()) {
      t.fail(path + ".tls_config: cert_file and key_file must be configured together");
    }
    if (auto st = t.finish(); !st.ok()) r.fail(st.error());
    given = true;
  }
  for (const char* key : {"authorization", "oauth2", "proxy_url", "no_proxy", "proxy_from_environment",
                          "proxy_connect_header", "enable_http2", "http_headers"}) {
    r.reject(key, "");
  }
  r.reject_unless("follow_redirects", "true", "");
  return given;
}

}  // namespace

util::Status parse_kubernetes_sd(const YAML::Node& node, const std::string& path, discovery::KubernetesSdConfig& k) {
  FieldReader r(node, path);
  std::string role;
  r.read_string("role", role);
  if (role.empty()) {
    r.fail(path + ".role: role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  } else if (!discovery::parse_kubernetes_role(role, k.role)) {
    r.fail(path + ".role: unknown Kubernetes SD role \"" + role + "\"");
  } else if (k.role == discovery::KubernetesRole::kIngress) {
    r.fail(path + ".role: not supported yet: \"" + role +
           "\" (logtail supports pod, node, service, endpoints and endpointslice)");
  }
  r.read_string("api_server", k.api_server);
  r.read_string("kubeconfig_file", k.kubeconfig_file);
  {
    FieldReader n(r.child("namespaces"), path + ".namespaces");
    n.read_string_list("names", k.namespaces.names);
    n.read_bool("own_namespace", k.namespaces.own_namespace);
    if (auto st = n.finish(); !st.ok()) r.fail(st.error());
  }
  if (YAML::Node sels = r.child("selectors"); sels.IsDefined()) {
    const std::string spath = path + ".selectors";
    if (!sels.IsSequence()) {
      r.fail(spath + ": expected a list");
    } else {
      std::set<std::string> seen;
      for (size_t i = 0; i < sels.size(); ++i) {
        const std::string ipath = spath + "[" + std::to_string(i) + "]";
        FieldReader s(sels[i], ipath);
        discovery::KubernetesSdConfig::Selector sel;
        std::string srole;
        s.read_string("role", srole);
        s.read_string("label", sel.label);
        s.read_string("field", sel.field);
        if (!discovery::parse_kubernetes_role(srole, sel.role)) {
          s.fail(ipath + ".role: unknown selector role \"" + srole + "\"");
        } else if (!role.empty() && !selector_allowed(k.role, sel.role)) {
          s.fail(ipath + ".role: " + role + " role supports only " + allowed_selector_roles(k.role) + " selectors");
        } else if (!seen.insert(srole).second) {
          s.fail(ipath + ".role: duplicated selector role: " + srole);
        }
        if (auto st = s.finish(); !st.ok()) {
          r.fail(st.error());
          break;
        }
        k.selectors.push_back(std::move(sel));
      }
    }
  }
  if (YAML::Node am = r.child("attach_metadata"); am.IsDefined()) {
    FieldReader a(am, path + ".attach_metadata");
    bool node_meta = false, ns_meta = false;
    a.read_bool("node", node_meta);
    a.read_bool("namespace", ns_meta);
    if (node_meta || ns_meta) a.fail(path + ".attach_metadata: not supported yet");
    if (auto st = a.finish(); !st.ok()) r.fail(st.error());
  }
  // The HTTP client settings Prometheus inlines into the SD config.
  r.read_string("bearer_token", k.bearer_token);
  r.read_string("bearer_token_file", k.bearer_token_file);
  if (!k.bearer_token.empty() && !k.bearer_token_file.empty()) {
    r.fail(path + ": at most one of bearer_token & bearer_token_file must be configured");
  }
  bool http_settings = !k.bearer_token.empty() || !k.bearer_token_file.empty();
  if (YAML::Node ba = r.child("basic_auth"); ba.IsDefined()) {
    FieldReader b(ba, path + ".basic_auth");
    b.read_string("username", k.basic_auth_username);
    b.read_string("password", k.basic_auth_password);
    b.reject("password_file", "");
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
    http_settings = true;
  }
  http_settings = read_client_tls(r, path, k.ca_file, k.cert_file, k.key_file, k.insecure_skip_verify) || http_settings;
  if (!k.api_server.empty() && !k.kubeconfig_file.empty()) {
    r.fail(path + ": cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  }
  if (!k.kubeconfig_file.empty() && http_settings) {
    r.fail(path + ": cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  }
  if (k.api_server.empty() && k.kubeconfig_file.empty() && http_settings) {
    r.fail(path + ": to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  return r.finish();
}

util::Status parse_docker_sd(const YAML::Node& node, const std::string& path, discovery::DockerSdConfig& d) {
  FieldReader r(node, path);
  r.read_string("host", d.host);
  if (d.host.empty()) {
    r.fail(path + ".host: host missing (e.g. unix:///var/run/docker.sock)");
  } else if (auto e = discovery::parse_docker_host(d.host); !e.ok()) {
    r.fail(path + "." + e.error());
  }
  r.read_int("port", d.port, 0, 65535);
  r.read_string("host_networking_host", d.host_networking_host);
  r.read_duration("refresh_interval", d.refresh_interval_ns);
  if (d.refresh_interval_ns <= 0) r.fail(path + ".refresh_interval: must be positive");
  r.read_bool("match_first_network", d.match_first_network);
  if (YAML::Node fs = r.child("filters"); fs.IsDefined()) {
    const std::string fpath = path + ".filters";
    if (!fs.IsSequence()) {
      r.fail(fpath + ": expected a list of {name, values}");
    } else {
      for (size_t i = 0; i < fs.size(); ++i) {
        FieldReader f(fs[i], fpath + "[" + std::to_string(i) + "]");
        std::string name;
        std::vector<std::string> values;
        f.read_string("name", name);
        f.read_string_list("values", values);
        if (name.empty()) f.fail(fpath + "[" + std::to_string(i) + "].name: must be set");
        if (auto st = f.finish(); !st.ok()) {
          r.fail(st.error());
          break;
        }
        auto& all = d.filters[name];
        all.insert(all.end(), values.begin(), values.end());
      }
    }
  }
  // The HTTP client settings Prometheus inlines; they apply to http:// and https:// hosts only.
  r.read_string("bearer_token", d.bearer_token);
  r.read_string("bearer_token_file", d.bearer_token_file);
  if (!d.bearer_token.empty() && !d.bearer_token_file.empty()) {
    r.fail(path + ": at most one of bearer_token & bearer_token_file must be configured");
  }
  bool http_settings = !d.bearer_token.empty() || !d.bearer_token_file.empty();
  if (YAML::Node ba = r.child("basic_auth"); ba.IsDefined()) {
    FieldReader b(ba, path + ".basic_auth");
    b.read_string("username", d.basic_auth_username);
    b.read_string("password", d.basic_auth_password);
    b.read_string("password_file", d.basic_auth_password_file);
    if (!d.basic_auth_password.empty() && !d.basic_auth_password_file.empty()) {
      b.fail(path + ".basic_auth: at most one of password and password_file must be configured");
    }
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
    http_settings = true;
  }
  if (http_settings && !d.basic_auth_username.empty() && (!d.bearer_token.empty() || !d.bearer_token_file.empty())) {
    r.fail(path + ": at most one of basic_auth and bearer_token(_file) must be configured");
  }
  http_settings = read_client_tls(r, path, d.ca_file, d.cert_file, d.key_file, d.insecure_skip_verify) || http_settings;
  if (http_settings && d.host.starts_with("unix://")) {
    // Prometheus skips them for a unix socket; say so instead of ignoring them.
    r.fail(path + ": HTTP client settings (basic_auth, bearer_token, tls_config) apply to http:// and https:// "
                  "hosts only, not to " + d.host);
  }
  return r.finish();
}

}  // namespace logtail
