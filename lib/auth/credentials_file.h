// The credentials file of logd's built-in authentication (auth.credentials_file), read strictly
// (unknown keys name their path):
//
//   htpasswd_file: users.htpasswd      # bcrypt or argon2 hashes; relative to this file
//   users:
//     - username: grafana
//       tenants: [team-a, team-b]      # "*": every tenant
//       role: query                    # push, query or admin
//   tokens:
//     - name: shipper-a
//       sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//       tenants: [team-a]
//       role: push
//
// Every user under `users` must have a hash in the htpasswd file and every user of the file an
// entry under `users`, so that a typo cannot leave a credential with no tenant or a tenant
// list with no password.
//
// Thread-safety: pure functions (they read files).
#pragma once

#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "util/result.h"

namespace auth {

struct LoadedCredentials {
  Credentials credentials;
  std::string sha256;  // of the credentials file and the htpasswd file, for the reload log
};

// `yaml` is the credentials file's text; `dir` resolves a relative htpasswd_file.
util::Result<LoadedCredentials> parse_credentials(std::string_view yaml, const std::string& dir);
// Reads `path` (errors prefixed with it).
util::Result<LoadedCredentials> load_credentials_file(const std::string& path);

}  // namespace auth
