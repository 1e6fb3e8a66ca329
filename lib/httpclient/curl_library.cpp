#include "httpclient/curl_library.h"

#include <dlfcn.h>

namespace httpclient {
namespace {

// libcurl's ABI has been "libcurl.so.4" since 2006; Debian's libcurl4 package installs it.
constexpr const char* kSoname = "libcurl.so.4";

template <typename Fn>
bool resolve(void* handle, const char* symbol, Fn& out, std::string& error) {
  out = reinterpret_cast<Fn>(dlsym(handle, symbol));
  if (!out && error.empty()) error = std::string(kSoname) + " has no symbol " + symbol;
  return out != nullptr;
}

CurlLibrary load() {
  CurlLibrary lib;
  // RTLD_LOCAL: libcurl's dependencies must not interpose on symbols the process already has
  // (OpenSSL, zlib and zstd are also linked in directly).
  void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    lib.error = std::string("cannot load ") + kSoname + " (install Debian's libcurl4): " + (why ? why : "unknown error");
    return lib;
  }
  resolve(handle, "curl_global_init", lib.global_init, lib.error);
  resolve(handle, "curl_easy_init", lib.easy_init, lib.error);
  resolve(handle, "curl_easy_cleanup", lib.easy_cleanup, lib.error);
  resolve(handle, "curl_easy_reset", lib.easy_reset, lib.error);
  resolve(handle, "curl_easy_setopt", lib.easy_setopt, lib.error);
  resolve(handle, "curl_easy_getinfo", lib.easy_getinfo, lib.error);
  resolve(handle, "curl_easy_perform", lib.easy_perform, lib.error);
  resolve(handle, "curl_easy_strerror", lib.easy_strerror, lib.error);
  resolve(handle, "curl_slist_append", lib.slist_append, lib.error);
  resolve(handle, "curl_slist_free_all", lib.slist_free_all, lib.error);
  if (lib.loaded()) lib.global_init(CURL_GLOBAL_DEFAULT);
  // The handle is never closed: libcurl stays loaded for the rest of the process.
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const CurlLibrary lib = load();
  return lib;
}

}  // namespace httpclient
