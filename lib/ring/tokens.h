// Ring tokens: where keys land (token_for), how an instance picks its tokens, and the tokens
// file an instance keeps them in across restarts (Loki's ingester.lifecycler.tokens_file_path).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/result.h"

namespace ring {

// The ring key of a stream, as Loki's distributor computes it (pkg/util TokenFor): 32-bit FNV-1
// (not FNV-1a) over the tenant ID followed by the stream's label string as Loki prints it,
// e.g. token_for("fake", "{app=\"x\", level=\"info\"}").
uint32_t token_for(std::string_view tenant, std::string_view labels);

// `n` random tokens, none of them in `taken` and none twice, sorted.
std::vector<uint32_t> generate_tokens(int n, const std::unordered_set<uint32_t>& taken, std::mt19937_64& random);

// The tokens file as Loki writes it: {"tokens":[1,2,3]}. kNotFound when the file does not exist.
util::Result<std::vector<uint32_t>> load_tokens_file(const std::string& path);
// Written atomically (a temporary file renamed over it).
util::Status save_tokens_file(const std::string& path, const std::vector<uint32_t>& tokens);

}  // namespace ring
