// Loki's per-request push validation (pkg/distributor/validator.go), with its limits_config
// names, defaults, messages and status codes. Stateless: the per-tenant rate limit and the
// active-stream limit need server state and live with the ingester, not here.
// Thread-safe (pure function over its arguments).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/time.h"
#include "push/push_request.h"
#include "util/result.h"

namespace push {

// Per-tenant limits; field names are Loki's limits_config keys, defaults are Loki 3.x's.
struct Limits {
  uint64_t max_line_size = 256 * 1024;  // bytes; 0 = unlimited
  bool max_line_size_truncate = false;  // truncate long lines instead of rejecting them
  std::string max_line_size_truncate_identifier;  // appended to truncated lines
  int max_label_names_per_series = 15;
  int max_label_name_length = 1024;
  int max_label_value_length = 2048;
  bool reject_old_samples = true;
  int64_t reject_old_samples_max_age = 7 * model::kNanosPerDay;  // 1w
  int64_t creation_grace_period = 10 * model::kNanosPerMinute;   // 10m
  bool allow_structured_metadata = true;
  uint64_t max_structured_metadata_size = 64 * 1024;  // bytes of names + values; 0 = unlimited
  int max_structured_metadata_entries_count = 128;    // 0 = unlimited
};

// Entries dropped for one reason; `reason` is Loki's label value on
// loki_discarded_samples_total / loki_discarded_bytes_total.
struct Discarded {
  std::string reason;
  size_t entries = 0;
  size_t bytes = 0;
};

struct ValidationReport {
  // OK when everything was accepted; kInvalidArgument when anything was dropped (the valid part
  // is still accepted), its message Loki's answer body: every drop's message, identical ones
  // grouped as "N errors like: ..."; kUnprocessable for a request without any stream.
  util::Status status;
  std::vector<Discarded> discarded;
  size_t accepted_entries = 0;
  size_t accepted_bytes = 0;   // line bytes
  size_t truncated_lines = 0;  // mutated under max_line_size_truncate
  size_t truncated_bytes = 0;
  bool all_accepted() const { return status.ok(); }
};

// Validates `request` against `limits` at time `now` (ns), removing what fails in place and
// truncating over-long lines when configured, so that what remains can be ingested. Streams with
// no entries left are removed; invalid_streams is consumed into the report.
ValidationReport validate(PushRequest& request, const Limits& limits, int64_t now);

}  // namespace push
