// TLS for the syslog listener (see syslog_tls.h).
#include "sources/syslog_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

namespace sources {
namespace {

// OpenSSL's queued errors as one message (the queue is per thread; this also clears it).
std::string openssl_errors(const std::string& fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? fallback : out;
}

}  // namespace

util::Result<std::shared_ptr<TlsServerContext>> TlsServerContext::create(const SyslogTlsFiles& files) {
  // Promtail's message when either is missing; the key alone or the CA alone is no TLS setup.
  if (files.cert_file.empty() || files.key_file.empty()) {
    return util::Error{"tls_config: certificate and key files are required"};
  }
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return util::Error{"tls_config: " + openssl_errors("cannot create a TLS context")};
  std::shared_ptr<TlsServerContext> context(new TlsServerContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Senders often just close the TCP connection without close_notify; that is the end of
  // their stream, not an error (Go's TLS reader treats it the same way).
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return util::Error{"tls_config: unable to load server certificate or key (" + files.cert_file + ", " +
                       files.key_file + "): " + openssl_errors("unknown error")};
  }
  if (!files.ca_file.empty()) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.ca_file.c_str());
    if (!names || SSL_CTX_load_verify_locations(ctx, files.ca_file.c_str(), nullptr) != 1) {
      if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
      return util::Error{"tls_config: unable to load client CA certificate " + files.ca_file + ": " +
                         openssl_errors("no certificate found")};
    }
    SSL_CTX_set_client_CA_list(ctx, names);  // tells clients which CAs we accept; takes ownership
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return context;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(const std::shared_ptr<TlsServerContext>& context, int fd) : context_(context) {
  ssl_ = SSL_new(context_->native());
  if (!ssl_ || SSL_set_fd(ssl_, fd) != 1) {
    error_ = openssl_errors("cannot create a TLS session");
    broken_ = true;
  }
}

TlsStream::~TlsStream() {
  if (!ssl_) return;
  if (!broken_) SSL_shutdown(ssl_);  // best effort on a non-blocking socket; never waits
  SSL_free(ssl_);
  ERR_clear_error();
}

bool TlsStream::retry_after(int ret, const Wait& wait) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return wait(POLLIN) > 0;
    case SSL_ERROR_WANT_WRITE:
      return wait(POLLOUT) > 0;
    case SSL_ERROR_ZERO_RETURN:
      return false;
    default:
      broken_ = true;
      error_ = openssl_errors("connection closed");
      return false;
  }
}

bool TlsStream::handshake(const Wait& wait) {
  if (!ssl_ || broken_) return false;
  for (;;) {
    ERR_clear_error();
    int r = SSL_accept(ssl_);
    if (r == 1) return true;
    if (!retry_after(r, wait)) {
      if (error_.empty()) error_ = "handshake not completed";
      broken_ = true;
      return false;
    }
  }
}

TlsStream::ReadResult TlsStream::read(char* buf, size_t size, size_t& n, const Wait& wait) {
  if (!ssl_ || broken_) return ReadResult::kFailed;
  for (;;) {
    ERR_clear_error();
    int r = SSL_read_ex(ssl_, buf, size, &n) == 1 ? 1 : 0;
    if (r == 1) return ReadResult::kData;
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_ZERO_RETURN) return ReadResult::kEnd;  // close_notify, or EOF (see create())
    if (!retry_after(r, wait)) return ReadResult::kFailed;
  }
}

}  // namespace sources
