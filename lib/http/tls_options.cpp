#include "http/tls_options.h"

namespace http {

util::Result<ClientAuth> parse_client_auth(std::string_view name) {
  if (name.empty() || name == "NoClientCert") return ClientAuth::kNoClientCert;
  if (name == "RequestClientCert") return ClientAuth::kRequestClientCert;
  if (name == "RequireAnyClientCert" || name == "RequireClientCert") return ClientAuth::kRequireAnyClientCert;
  if (name == "VerifyClientCertIfGiven") return ClientAuth::kVerifyClientCertIfGiven;
  if (name == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerifyClientCert;
  return util::Error{"invalid client auth type \"" + std::string(name) +
                     "\" (expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                     "VerifyClientCertIfGiven or RequireAndVerifyClientCert)"};
}

std::string_view client_auth_name(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::kNoClientCert: return "NoClientCert";
    case ClientAuth::kRequestClientCert: return "RequestClientCert";
    case ClientAuth::kRequireAnyClientCert: return "RequireAnyClientCert";
    case ClientAuth::kVerifyClientCertIfGiven: return "VerifyClientCertIfGiven";
    case ClientAuth::kRequireAndVerifyClientCert: return "RequireAndVerifyClientCert";
  }
  return "NoClientCert";
}

util::Result<int> parse_tls_min_version(std::string_view name) {
  if (name.empty()) return 0;
  if (name == "VersionTLS10") return 0x0301;
  if (name == "VersionTLS11") return 0x0302;
  if (name == "VersionTLS12") return 0x0303;
  if (name == "VersionTLS13") return 0x0304;
  return util::Error{"unknown TLS version \"" + std::string(name) +
                     "\" (expected VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13)"};
}

util::Status validate(const TlsOptions& tls, const std::string& prefix) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    // dskit silently serves plain HTTP when one is missing; a half-configured TLS is a mistake.
    return util::Error{prefix + ": cert_file and key_file must be set together"};
  }
  if (!tls.enabled() && (tls.client_auth != ClientAuth::kNoClientCert || !tls.client_ca_file.empty())) {
    return util::Error{prefix + ": client_auth_type and client_ca_file need cert_file and key_file"};
  }
  if (!tls.client_ca_file.empty() && tls.client_auth == ClientAuth::kNoClientCert) {
    return util::Error{prefix + ": client_ca_file is set without a client_auth_type that asks for certificates"};
  }
  return {};
}

}  // namespace http
