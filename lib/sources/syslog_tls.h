// Syslog over TLS (RFC 5425), the server side of Promtail's syslog `tls_config`: a certificate
// and key the listener presents and, with a CA file, client certificates that are required and
// verified against it (Promtail's RequireAndVerifyClientCert). Built on OpenSSL.
//
// TlsServerContext holds the loaded certificates; TlsStream is one accepted connection on a
// non-blocking socket: every wait for the socket goes through the caller's Wait function, so
// the listener's idle timeout and stop() apply during the handshake and reads alike.
//
// Thread-safety: a TlsServerContext is shared by every connection thread (OpenSSL's SSL_CTX is
// safe for that once configured); a TlsStream is used by its connection's thread only.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "util/result.h"

struct ssl_ctx_st;
struct ssl_st;

namespace sources {

struct SyslogTlsFiles {
  std::string cert_file;  // PEM certificate (chain) presented to clients
  std::string key_file;   // its PEM private key
  std::string ca_file;    // PEM CAs for client certificates; empty: clients need none
  bool enabled() const { return !cert_file.empty() || !key_file.empty() || !ca_file.empty(); }
};

class TlsServerContext {
 public:
  // Loads the files. Fails, naming what could not be loaded, when cert_file or key_file is
  // missing or unreadable, they do not match, or ca_file holds no certificate.
  static util::Result<std::shared_ptr<TlsServerContext>> create(const SyslogTlsFiles& files);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  ssl_ctx_st* native() const { return ctx_; }

 private:
  explicit TlsServerContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
  ssl_ctx_st* ctx_;
};

class TlsStream {
 public:
  // Waits until the socket is ready for `events` (POLLIN, POLLOUT): 1 ready, 0 timed out,
  // -1 stopping.
  using Wait = std::function<int(short events)>;
  enum class ReadResult { kData, kEnd, kFailed };  // kFailed: error, timeout or stopping

  // `fd` must be non-blocking; it stays owned by the caller.
  TlsStream(const std::shared_ptr<TlsServerContext>& context, int fd);
  ~TlsStream();  // sends close_notify if it can without waiting
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // The TLS handshake (and client certificate check); false when it failed (see error()).
  bool handshake(const Wait& wait);
  // Reads decrypted bytes into buf; `n` is set to how many on kData.
  ReadResult read(char* buf, size_t size, size_t& n, const Wait& wait);
  const std::string& error() const { return error_; }

 private:
  // Handles a failed SSL call's result: true to retry after waiting, false to give up.
  bool retry_after(int ret, const Wait& wait);

  std::shared_ptr<TlsServerContext> context_;  // outlives ssl_
  ssl_st* ssl_ = nullptr;
  bool broken_ = false;  // a fatal error: no close_notify
  std::string error_;
};

}  // namespace sources
