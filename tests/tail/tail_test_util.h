// Helpers for the tail tests: a temporary directory removed at the end, file writes, and a
// recording consumer.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tail/tailed_line.h"

namespace tail_test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tailtest-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

inline void append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::app | std::ios::binary);
  f << text;
}

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::trunc | std::ios::binary);
  f << text;
}

// Records every line; refuses once `capacity` lines are held (0: unlimited).
struct RecordingConsumer : tail::LineConsumer {
  size_t capacity = 0;
  std::vector<std::string> lines;
  std::vector<int64_t> ends;
  std::vector<std::shared_ptr<tail::FileCursor>> cursors;
  bool try_consume(const tail::TailedLine& l) override {
    if (capacity && lines.size() >= capacity) return false;
    lines.emplace_back(l.line);
    ends.push_back(l.end_offset);
    cursors.push_back(l.cursor);
    return true;
  }
  void ack_all() {
    for (size_t i = 0; i < lines.size(); ++i) cursors[i]->acknowledge(ends[i]);
  }
};

}  // namespace tail_test
