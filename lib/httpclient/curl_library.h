// CurlLibrary: libcurl's entry points, resolved from libcurl.so.4 the first time a request is
// made rather than by the dynamic loader at process start.
//
// Why: libcurl brings about 28 shared libraries with it (TLS, Kerberos, LDAP, IDN, SSH, ...).
// Loading and relocating them costs every process start some 15-20 ms on a hypervisor, which is
// a fifth of a `logcli query --stdin` over 100 MiB and most of a short one. Commands that never
// speak HTTP (stdin and --store queries, logchunk, logidx) now never load libcurl at all.
#pragma once

#include <curl/curl.h>

#include <string>

namespace httpclient {

struct CurlLibrary {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_reset) easy_reset = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;

  // Why the library could not be loaded ("" when every entry point above is set).
  std::string error;
  bool loaded() const { return error.empty(); }
};

// Loads libcurl and runs curl_global_init once per process (thread-safe); later calls return the
// same table. When the library or a symbol is missing, `error` names it and the pointers are null.
const CurlLibrary& curl_library();

}  // namespace httpclient
