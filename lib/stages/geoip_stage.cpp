// geoip: looks up the IP in an extracted value in a MaxMind DB (libmaxminddb) and sets
// Promtail's geoip_* extracted values, as Promtail's geoip stage does:
// - city: geoip_city_name, geoip_country_name, geoip_country_code, geoip_continent_name,
//   geoip_continent_code, geoip_location_latitude and _longitude (numbers, unless both are 0),
//   geoip_postal_code, geoip_timezone, geoip_subdivision_name and _code (the most specific
//   subdivision, the last one);
// - country: the country and continent values;
// - asn: geoip_autonomous_system_number (a number, unless 0), geoip_autonomous_system_organization.
// English names; empty values are not set. A missing source, a value that is not an IP or an
// address not in the database leaves the entry as it is. The database is opened (memory-mapped)
// when the pipeline compiles: a missing or corrupt file is an error naming the stage.
#include <maxminddb.h>

#include <memory>

#include "stages/builtin.h"

namespace stages {

namespace {

struct MmdbCloser {
  void operator()(MMDB_s* db) const {
    MMDB_close(db);
    delete db;
  }
};

class GeoipStage final : public Stage {
 public:
  GeoipStage(std::unique_ptr<MMDB_s, MmdbCloser> db, std::string source, std::string db_type)
      : db_(std::move(db)), source_(std::move(source)), type_(std::move(db_type)) {}
  std::string_view name() const override { return "geoip"; }

  bool process(Entry& e) override {
    const json* v = e.extracted.find(source_);
    if (!v) return true;
    ip_.clear();
    if (!append_value_string(ip_, *v)) return true;
    int gai_error = 0, mmdb_error = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(db_.get(), ip_.c_str(), &gai_error, &mmdb_error);
    if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !r.found_entry) return true;
    if (type_ == "asn") {
      MMDB_entry_data_s d;
      if (get(r.entry, d, {"autonomous_system_number"}) && d.type == MMDB_DATA_TYPE_UINT32 && d.uint32 != 0) {
        e.extracted.set("geoip_autonomous_system_number", json(d.uint32));
      }
      set_string(e, r.entry, "geoip_autonomous_system_organization", {"autonomous_system_organization"});
      return true;
    }
    if (type_ == "city") set_string(e, r.entry, "geoip_city_name", {"city", "names", "en"});
    set_string(e, r.entry, "geoip_country_name", {"country", "names", "en"});
    set_string(e, r.entry, "geoip_country_code", {"country", "iso_code"});
    set_string(e, r.entry, "geoip_continent_name", {"continent", "names", "en"});
    set_string(e, r.entry, "geoip_continent_code", {"continent", "code"});
    if (type_ != "city") return true;
    set_string(e, r.entry, "geoip_postal_code", {"postal", "code"});
    set_string(e, r.entry, "geoip_timezone", {"location", "time_zone"});
    MMDB_entry_data_s lat, lon;
    const bool has_lat = get(r.entry, lat, {"location", "latitude"}) && lat.type == MMDB_DATA_TYPE_DOUBLE;
    const bool has_lon = get(r.entry, lon, {"location", "longitude"}) && lon.type == MMDB_DATA_TYPE_DOUBLE;
    const double la = has_lat ? lat.double_value : 0, lo = has_lon ? lon.double_value : 0;
    if (la != 0 || lo != 0) {
      e.extracted.set("geoip_location_latitude", json(la));
      e.extracted.set("geoip_location_longitude", json(lo));
    }
    MMDB_entry_data_s subs;
    if (get(r.entry, subs, {"subdivisions"}) && subs.type == MMDB_DATA_TYPE_ARRAY && subs.data_size > 0) {
      const std::string last = std::to_string(subs.data_size - 1);
      set_string(e, r.entry, "geoip_subdivision_name", {"subdivisions", last.c_str(), "names", "en"});
      set_string(e, r.entry, "geoip_subdivision_code", {"subdivisions", last.c_str(), "iso_code"});
    }
    return true;
  }

 private:
  // The value at `path` in `entry`; false when absent.
  static bool get(MMDB_entry_s entry, MMDB_entry_data_s& out, std::initializer_list<const char*> path) {
    const char* p[8] = {};
    size_t i = 0;
    for (const char* part : path) p[i++] = part;
    return MMDB_aget_value(&entry, &out, p) == MMDB_SUCCESS && out.has_data;
  }
  static void set_string(Entry& e, MMDB_entry_s entry, std::string_view key, std::initializer_list<const char*> path) {
    MMDB_entry_data_s d;
    if (!get(entry, d, path) || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size == 0) return;
    e.extracted.set_string(key, std::string_view(d.utf8_string, d.data_size));
  }

  std::unique_ptr<MMDB_s, MmdbCloser> db_;
  std::string source_, type_;
  std::string ip_;
};

}  // namespace

StageResult compile_geoip(const GeoipSpec& spec, const std::string& where, const CompileContext&) {
  auto db = std::unique_ptr<MMDB_s, MmdbCloser>(new MMDB_s{});
  if (int st = MMDB_open(spec.db.c_str(), MMDB_MODE_MMAP, db.get()); st != MMDB_SUCCESS) {
    delete db.release();  // a failed MMDB_open frees what it allocated: no MMDB_close
    return stage_error(where, "cannot open the MaxMind DB \"" + spec.db + "\": " + MMDB_strerror(st));
  }
  return std::unique_ptr<Stage>(std::make_unique<GeoipStage>(std::move(db), spec.source, spec.db_type));
}

}  // namespace stages
