// Promtail's own template functions: Hash (SHA3-256) and Sha2Hash (SHA-256) of the first
// argument followed by the second, as lower-case hex. Promtail names the first parameter the
// salt, while its docs and tests pass the value first ({{ Hash .Value "salt" }}); either way the
// digest is of the two strings concatenated in argument order.
#include <openssl/evp.h>

#include <string>

#include "logql/template/functions.h"
#include "util/strings.h"

namespace logql::tmpl {
namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

R digest_hex(const EVP_MD* md, Args& a) {
  std::string input(a[0].as_string());
  input += a[1].as_string();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), out, &len, md, nullptr) != 1) return util::Error{"digest failed"};
  return Value::string(util::hex_encode(std::string_view(reinterpret_cast<const char*>(out), len)));
}

R fn_hash(Args& a, const Context&) { return digest_hex(EVP_sha3_256(), a); }
R fn_sha2_hash(Args& a, const Context&) { return digest_hex(EVP_sha256(), a); }

}  // namespace

void register_promtail_functions(FuncTable& t) {
  using P = Param;
  t["Hash"] = {{P::kString, P::kString}, false, fn_hash};
  t["Sha2Hash"] = {{P::kString, P::kString}, false, fn_sha2_hash};
}

}  // namespace logql::tmpl
