// What logtail holds of every source that reads entries by itself (syslog and GELF listeners, Loki push
// receiver, journal reader), as Promtail's target managers: one list it stops in one loop.
// File tailing is not one: its positions belong to tail::TargetManager.
// Thread-safety: stop() and save_acknowledged_position() from the controlling thread.
#pragma once

namespace sources {

class Source {
 public:
  virtual ~Source() = default;

  // Stops reading; once it returns the source's sink is never called again.
  virtual void stop() = 0;
  // After stop(), once the clients settled what they hold: records how far the entries were
  // acknowledged, for sources that resume from a position (the journal's cursor). No-op otherwise.
  virtual void save_acknowledged_position() {}
};

}  // namespace sources
