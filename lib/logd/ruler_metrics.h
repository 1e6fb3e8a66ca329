// The ruler's metrics on logd's /metrics, per tenant (`user`, as Loki's ruler labels them) and
// rule group (`rule_group` = "<namespace>;<group>"): evaluations, failures, iterations, missed
// iterations, durations; notifications sent, failed, dropped and queued per Alertmanager;
// remote-write samples sent, failed, dropped, retried and pending per client.
#pragma once

#include <string>

#include "ruler/ruler.h"

namespace logd {

void render_ruler_metrics(std::string& out, const ruler::RulerStats& stats);

}  // namespace logd
