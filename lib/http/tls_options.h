// TLS settings of the HTTP server (Loki's server.http_tls_config, as dskit and Prometheus'
// exporter-toolkit define it), kept Boost- and OpenSSL-free so configuration code can use them.
//
// Thread-safe: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace http {

// Go's tls.ClientAuthType: whether the server asks for a client certificate, and checks it.
enum class ClientAuth {
  kNoClientCert,                // not asked for
  kRequestClientCert,           // asked for, not required, not verified
  kRequireAnyClientCert,        // required, not verified
  kVerifyClientCertIfGiven,     // not required, verified when sent
  kRequireAndVerifyClientCert,  // required and verified (mutual TLS)
};

// Go's names as the exporter-toolkit accepts them: "" and "NoClientCert", "RequestClientCert",
// "RequireAnyClientCert" (and its old spelling "RequireClientCert"), "VerifyClientCertIfGiven",
// "RequireAndVerifyClientCert". Anything else: an error naming the accepted values.
util::Result<ClientAuth> parse_client_auth(std::string_view name);
std::string_view client_auth_name(ClientAuth auth);

// Loki's server.tls_min_version values: "" (OpenSSL's default) or VersionTLS10 .. VersionTLS13.
// Returns the protocol version number OpenSSL uses (0x0301 .. 0x0304; 0 for "").
util::Result<int> parse_tls_min_version(std::string_view name);

struct TlsOptions {
  std::string cert_file;  // PEM certificate (chain); with key_file set: the server speaks TLS only
  std::string key_file;   // PEM private key
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::string client_ca_file;  // PEM CAs client certificates are verified against (empty: system's)
  int min_version = 0;         // from parse_tls_min_version; 0: OpenSSL's default

  bool enabled() const { return !cert_file.empty(); }
};

// The checks dskit makes before starting: both files or none, a client CA only with a policy
// that asks for certificates. `prefix` names the block in messages ("server.http_tls_config").
util::Status validate(const TlsOptions& tls, const std::string& prefix);

}  // namespace http
