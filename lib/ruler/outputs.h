// Where evaluation results go: recorded samples (remote write) and alerts (Alertmanager).
// Implementations must not block evaluation: they queue and return.
//
// Thread-safety: called from many evaluation threads at once.
#pragma once

#include <string>
#include <vector>

#include "ruler/alert.h"

namespace ruler {

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void append(const std::string& tenant, std::vector<Sample> samples) = 0;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void send(const std::string& tenant, std::vector<NotifierAlert> alerts) = 0;
};

}  // namespace ruler
