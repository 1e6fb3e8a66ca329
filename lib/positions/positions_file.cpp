#include "positions/positions_file.h"

#include <yaml-cpp/yaml.h>

#include <sys/stat.h>

#include <cerrno>

#include "fsutil/atomic_file.h"

namespace positions {

util::Result<PositionMap> parse_positions(std::string_view text) {
  PositionMap out;
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return util::Error{e.what()};
  }
  if (!doc.IsDefined() || doc.IsNull()) return out;
  if (!doc.IsMap()) return util::Error{"expected a mapping with a `positions` key"};
  for (const auto& kv : doc) {
    const std::string key = kv.first.Scalar();
    if (key != "positions") return util::Error{"unknown field \"" + key + "\""};
    const YAML::Node& entries = kv.second;
    if (entries.IsNull()) continue;
    if (!entries.IsMap()) return util::Error{"positions: expected a mapping of path to offset"};
    for (const auto& e : entries) {
      if (!e.first.IsScalar() || !(e.second.IsScalar() || e.second.IsNull())) {
        return util::Error{"positions: expected string keys and values"};
      }
      out[e.first.Scalar()] = e.second.IsNull() ? std::string() : e.second.Scalar();
    }
  }
  return out;
}

std::string format_positions(const PositionMap& positions) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "positions" << YAML::Value;
  if (positions.empty()) {
    e << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  } else {
    e << YAML::BeginMap;
    for (const auto& [key, value] : positions) {
      // Offsets look like numbers; quoting keeps them strings, as Promtail's files have them.
      e << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

util::Result<PositionMap> read_positions_file(const std::string& path, bool ignore_invalid_yaml) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return PositionMap{};
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::prefixed("read positions file: ", text.status_error());
  auto parsed = parse_positions(*text);
  if (parsed.ok()) return parsed;
  if (ignore_invalid_yaml) return PositionMap{};
  return util::prefixed("invalid yaml positions file [" + path + "]: ", parsed.status_error());
}

util::Status write_positions_file(const std::string& path, const PositionMap& positions) {
  return fsutil::write_file_atomically(path, format_positions(positions));
}

}  // namespace positions
