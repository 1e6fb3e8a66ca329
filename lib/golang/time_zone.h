// Time zones for templates: UTC, "Local" (taken as UTC) and IANA zones read from the system's
// tz database (/usr/share/zoneinfo, TZif files), as Go's time.LoadLocation does.
// Loaded zones are cached for the process; the cache is guarded by a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace golang {

class TimeZone {
 public:
  // nullptr when the zone is unknown. "", "UTC" and "Local" are UTC.
  static std::shared_ptr<const TimeZone> load(std::string_view name);
  static std::shared_ptr<const TimeZone> utc();

  const std::string& name() const { return name_; }
  // Offset east of UTC and abbreviation in effect at `unix_sec`.
  void lookup(int64_t unix_sec, int32_t& offset, std::string& abbr) const;
  // Offset for a wall-clock time given as if it were UTC (time.Date's resolution rule).
  int32_t offset_for_local(int64_t local_sec) const;

  struct Type {
    int32_t offset;
    std::string abbr;
  };

 private:
  std::string name_;
  std::vector<int64_t> transitions_;
  std::vector<uint8_t> transition_types_;
  std::vector<Type> types_;
  friend std::shared_ptr<const TimeZone> load_tzif(std::string_view name);
};

}  // namespace golang
