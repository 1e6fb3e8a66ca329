#include "logd/target.h"

#include "golang/quote.h"

namespace logd {

std::string Targets::names() const {
  if (all) return "all";
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(distributor, "distributor");
  add(ingester, "ingester");
  add(query_frontend, "query-frontend");
  add(querier, "querier");
  add(compactor, "compactor");
  add(ruler, "ruler");
  return out;
}

util::Result<Targets> parse_target(std::string_view target) {
  Targets t;
  size_t pos = 0;
  bool any = false;
  while (pos <= target.size()) {
    size_t comma = target.find(',', pos);
    std::string_view name = target.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? target.size() + 1 : comma + 1;
    if (name == "all") {
      t.all = t.distributor = t.ingester = t.querier = t.compactor = t.ruler = true;
    } else if (name == "write") {
      t.distributor = t.ingester = true;
    } else if (name == "read") {
      t.query_frontend = t.querier = true;
    } else if (name == "backend") {
      t.compactor = t.ruler = true;
    } else if (name == "distributor") {
      t.distributor = true;
    } else if (name == "ingester") {
      t.ingester = true;
    } else if (name == "querier") {
      t.querier = true;
    } else if (name == "query-frontend") {
      t.query_frontend = true;
    } else if (name == "compactor") {
      t.compactor = true;
    } else if (name == "ruler") {
      t.ruler = true;
    } else {
      return util::invalid_argument(
          "target: unrecognised module name " + golang::quote(name) +
          " (logd runs all, write, read, backend, distributor, ingester, querier, query-frontend, compactor, ruler)");
    }
    any = true;
  }
  if (!any) return util::invalid_argument("target: empty");
  if (t.all && (t.query_frontend || target != "all")) {
    return util::invalid_argument("target: all is the whole single process and is not combined with other modules");
  }
  return t;
}

}  // namespace logd
