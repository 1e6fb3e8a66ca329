// geoip stage against MaxMind DB files written for the test by tests/tools/make_test_mmdb.pl
// (Debian's MaxMind::DB::Writer): city, country and asn lookups into Promtail's geoip_* values,
// the most specific subdivision, IPv6, addresses not in the database, bad sources, config errors.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "stages_test_util.h"

using stages_test::Harness;
using stages_test::str;

namespace {

struct GeoDbs {
  std::string dir;
  GeoDbs() {
    dir = (std::filesystem::temp_directory_path() / ("geoip-test-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    // __FILE__ is repository-relative: the tests run from the repository root.
    const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/../tools/make_test_mmdb.pl";
    for (const char* kind : {"city", "country", "asn"}) {
      const std::string cmd = "perl '" + script + "' '" + dir + "/" + kind + ".mmdb' " + kind;
      REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
    }
  }
  ~GeoDbs() { std::filesystem::remove_all(dir); }
  std::string db(const std::string& kind) const { return dir + "/" + kind + ".mmdb"; }
};

std::string pipeline(const std::string& db, const std::string& type) {
  return "- regex: {expression: '^(?P<ip>\\S+) '}\n- geoip: {db: '" + db + "', source: ip, db_type: " + type + "}\n";
}

}  // namespace

TEST_CASE("geoip stage: a city database fills Promtail's geoip_* values") {
  GeoDbs dbs;
  Harness h(pipeline(dbs.db("city"), "city") + "- labels: {geoip_country_code: , geoip_location_latitude: }\n");
  auto e = h.one("81.2.69.142 GET /index.html");
  CHECK(str(e, "geoip_city_name") == "London");
  CHECK(str(e, "geoip_country_name") == "United Kingdom");
  CHECK(str(e, "geoip_country_code") == "GB");
  CHECK(str(e, "geoip_continent_name") == "Europe");
  CHECK(str(e, "geoip_continent_code") == "EU");
  CHECK(str(e, "geoip_postal_code") == "EC2V");
  CHECK(str(e, "geoip_timezone") == "Europe/London");
  CHECK(str(e, "geoip_subdivision_name") == "City of London");  // the most specific, the last
  CHECK(str(e, "geoip_subdivision_code") == "LND");
  REQUIRE(e.extracted.find("geoip_location_latitude") != nullptr);
  CHECK(e.extracted.find("geoip_location_latitude")->is_number());
  CHECK(str(e, "geoip_location_longitude") == "-0.0931");
  CHECK(e.labels.get("geoip_country_code") == "GB");
  CHECK(e.labels.get("geoip_location_latitude") == "51.5142");
  // IPv6, and an address the database does not have.
  CHECK(str(h.one("2a02:8010::1 x"), "geoip_city_name") == "London");
  auto miss = h.one("192.0.2.1 x");
  CHECK(str(miss, "geoip_city_name") == "<missing>");
  CHECK(miss.labels.get("geoip_country_code") == std::nullopt);
  // Not an IP: the entry goes on untouched.
  CHECK(str(h.one("not-an-ip x"), "geoip_country_code") == "<missing>");
}

TEST_CASE("geoip stage: country and asn databases") {
  GeoDbs dbs;
  Harness country(pipeline(dbs.db("country"), "country"));
  auto c = country.one("81.2.69.1 x");
  CHECK(str(c, "geoip_country_code") == "GB");
  CHECK(str(c, "geoip_continent_code") == "EU");
  CHECK(str(c, "geoip_city_name") == "<missing>");
  Harness asn(pipeline(dbs.db("asn"), "asn"));
  auto a = asn.one("81.2.69.1 x");
  REQUIRE(a.extracted.find("geoip_autonomous_system_number") != nullptr);
  CHECK(*a.extracted.find("geoip_autonomous_system_number") == 20712);
  CHECK(str(a, "geoip_autonomous_system_organization") == "Andrews & Arnold Ltd");
  CHECK(str(a, "geoip_country_code") == "<missing>");
  // Without the source key nothing happens.
  Harness nosrc("- geoip: {db: '" + dbs.db("asn") + "', source: ip, db_type: asn}\n");
  CHECK(str(nosrc.one("81.2.69.1"), "geoip_autonomous_system_number") == "<missing>");
}

TEST_CASE("geoip stage: config errors name the stage and key") {
  GeoDbs dbs;
  const std::string db = dbs.db("city");
  CHECK(stages_test::compile_error("- geoip: {source: ip, db_type: city}").find("\"db\"") != std::string::npos);
  CHECK(stages_test::compile_error("- geoip: {db: '" + db + "', db_type: city}").find("\"source\"") != std::string::npos);
  CHECK(stages_test::compile_error("- geoip: {db: '" + db + "', source: ip, db_type: isp}")
            .find("db_type: should be city, asn or country") != std::string::npos);
  CHECK(stages_test::compile_error("- geoip: {db: '" + db + "', source: ip, db_type: city, custom_lookups: {a: b}}")
            .find("custom_lookups: not supported yet") != std::string::npos);
  auto missing = stages_test::compile_error("- geoip: {db: '" + dbs.dir + "/nope.mmdb', source: ip, db_type: city}");
  CHECK(missing.find("pipeline_stages[0].geoip: cannot open the MaxMind DB") != std::string::npos);
}
