// Writer ids: the name a process puts into every index file it writes, so two processes sharing
// one bucket never write the same object name (docs/data-layout.md). logd takes it from its
// configuration (common.ring.instance_id, ingester.lifecycler.id) or, when none is set, from a
// file in its data directory, created with a random id on first start and kept from then on.
//
// Pure functions and one file read/write; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace store {

// A writer id is 1..64 bytes of [A-Za-z0-9_.-], not starting with '.': a file name and key
// segment on every backend.
util::Status check_writer_id(std::string_view id);

// `text` made into a writer id: bytes outside the allowed set become '_', cut to 64 bytes
// (an instance id may be a host name or an address); "" stays "".
std::string sanitize_writer_id(std::string_view text);

// `prefix` followed by 12 random hex digits (from the kernel's random source).
std::string random_writer_id(std::string_view prefix);

// The id kept in `file`; when the file does not exist, a random one ("logd-<12 hex>") is
// written there (atomically) first. Errors: the file cannot be read or written, or holds
// something that is not a writer id.
util::Result<std::string> load_or_create_writer_id(const std::string& file);

}  // namespace store
