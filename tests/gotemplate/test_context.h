// Shared helpers for template tests: a Context over a label set, a line and a timestamp.
#pragma once

#include <string>

#include "gotemplate/template.h"
#include "model/labels.h"

namespace tmpl_test {

class TestContext : public gotemplate::Context {
 public:
  explicit TestContext(model::LabelSet labels, std::string line = "", int64_t ts = 0)
      : labels_(std::move(labels)), line_(std::move(line)), ts_(ts) {}
  std::optional<std::string_view> label(std::string_view name) const override { return labels_.get(name); }
  std::string_view line() const override { return line_; }
  int64_t timestamp_ns() const override { return ts_; }
  void for_each_label(const std::function<void(std::string_view, std::string_view)>& fn) const override {
    for (const auto& l : labels_) fn(l.name, l.value);
  }

 private:
  model::LabelSet labels_;
  std::string line_;
  int64_t ts_;
};

// Output of the template, or "ERR: <message>" for parse/exec errors.
inline std::string run(std::string_view text, const model::LabelSet& labels = {}, std::string line = "",
                       int64_t ts = 0) {
  auto t = gotemplate::Template::parse(text);
  if (!t.ok()) return "ERR: " + t.error();
  TestContext ctx(labels, std::move(line), ts);
  auto r = t->execute(ctx);
  if (!r.ok()) return "ERR: " + r.error();
  return *r;
}

}  // namespace tmpl_test
