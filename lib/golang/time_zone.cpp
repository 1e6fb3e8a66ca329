#include "golang/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace golang {

namespace {

int64_t read_be(const std::string& d, size_t pos, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(d[pos + static_cast<size_t>(k)]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool valid_zone_name(std::string_view name) {
  // Same guard as Go: no absolute paths or parent references.
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

std::shared_ptr<const TimeZone> load_tzif(std::string_view name) {
  if (!valid_zone_name(name)) return nullptr;
  std::ifstream in("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
  if (!in) return nullptr;
  std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto header_ok = [&](size_t p) { return d.size() >= p + 44 && d.compare(p, 4, "TZif") == 0; };
  if (!header_ok(0)) return nullptr;
  // Header counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t p, int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = read_be(d, p + 20 + static_cast<size_t>(k) * 4, 4);
  };
  int64_t c[6];
  counts(0, c);
  size_t p = 44;
  int tsize = 4;
  if (d[4] >= '2') {  // skip the 32-bit block, use the 64-bit one
    p += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (!header_ok(p)) return nullptr;
    counts(p, c);
    p += 44;
    tsize = 8;
  }
  size_t need = static_cast<size_t>(c[3] * tsize + c[3] + c[4] * 6 + c[5]);
  if (d.size() < p + need) return nullptr;
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = std::string(name);
  for (int64_t k = 0; k < c[3]; ++k) tz->transitions_.push_back(read_be(d, p + static_cast<size_t>(k * tsize), tsize));
  p += static_cast<size_t>(c[3] * tsize);
  for (int64_t k = 0; k < c[3]; ++k) tz->transition_types_.push_back(static_cast<uint8_t>(d[p + static_cast<size_t>(k)]));
  p += static_cast<size_t>(c[3]);
  std::vector<std::pair<int32_t, uint8_t>> raw;
  for (int64_t k = 0; k < c[4]; ++k) {
    size_t q = p + static_cast<size_t>(k * 6);
    raw.emplace_back(static_cast<int32_t>(read_be(d, q, 4)), static_cast<uint8_t>(d[q + 5]));
  }
  p += static_cast<size_t>(c[4] * 6);
  std::string chars = d.substr(p, static_cast<size_t>(c[5]));
  for (auto& [off, idx] : raw) {
    std::string abbr = idx < chars.size() ? std::string(chars.c_str() + idx) : std::string();
    tz->types_.push_back({off, abbr});
  }
  if (tz->types_.empty()) return nullptr;
  for (uint8_t& t : tz->transition_types_)
    if (t >= tz->types_.size()) t = 0;
  return tz;
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const std::shared_ptr<const TimeZone> kUtc = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    z->types_.push_back({0, "UTC"});
    return z;
  }();
  return kUtc;
}

std::shared_ptr<const TimeZone> TimeZone::load(std::string_view name) {
  if (name.empty() || name == "UTC" || name == "Local") return utc();
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  auto tz = load_tzif(name);
  cache.emplace(std::string(name), tz);
  return tz;
}

void TimeZone::lookup(int64_t unix_sec, int32_t& offset, std::string& abbr) const {
  const Type* t = &types_[0];
  if (!transitions_.empty() && unix_sec >= transitions_.front()) {
    size_t i = static_cast<size_t>(std::upper_bound(transitions_.begin(), transitions_.end(), unix_sec) - transitions_.begin()) - 1;
    t = &types_[transition_types_[i]];
  }
  offset = t->offset;
  abbr = t->abbr;
}

int32_t TimeZone::offset_for_local(int64_t local_sec) const {
  // Like time.Date: try the offset in effect just before, then check it is still valid.
  int32_t off;
  std::string abbr;
  lookup(local_sec - 86400, off, abbr);
  int32_t off2;
  lookup(local_sec - off, off2, abbr);
  if (off2 == off) return off;
  int32_t off3;
  lookup(local_sec - off2, off3, abbr);
  return off3 == off2 ? off2 : off;
}

}  // namespace golang
