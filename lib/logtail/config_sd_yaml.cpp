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
  if (YAML::Node tls = r.child("tls_config"); tls.IsDefined()) {
    FieldReader t(tls, path + ".tls_config");
    t.read_string("ca_file", k.ca_file);
    t.read_string("cert_file", k.cert_file);
    t.read_string("key_file", k.key_file);
    t.read_bool("insecure_skip_verify", k.insecure_skip_verify);
    for (const char* key : {"ca", "cert", "key", "server_name", "min_version", "max_version"}) t.reject(key, "");
    if (k.cert_file.empty() != k.key_file.empty()) {
      t.fail(path + ".tls_config: cert_file and key_file must be configured together");
    }
    if (auto st = t.finish(); !st.ok()) r.fail(st.error());
    http_settings = true;
  }
  for (const char* key : {"authorization", "oauth2", "proxy_url", "no_proxy", "proxy_from_environment",
                          "proxy_connect_header", "enable_http2", "http_headers"}) {
    r.reject(key, "");
  }
  r.reject_unless("follow_redirects", "true", "");
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

}  // namespace logtail
