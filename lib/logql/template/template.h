// Go text/template, as Loki's line_format and label_format use it, with Loki's function set.
// Parse once, execute per entry. Semantics follow Go's text/template with Loki's options:
// `.` is the label map and a missing label reads as "" (missingkey=zero on map[string]string).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "logql/template/function_set.h"
#include "logql/template/value.h"
#include "util/result.h"

namespace logql::tmpl {

// What a template sees while it runs: `.name` looks up a label, `__line__` and `__timestamp__`
// return the entry's line and time.
class Context {
 public:
  virtual ~Context() = default;
  virtual std::optional<std::string_view> label(std::string_view name) const = 0;
  virtual std::string_view line() const = 0;
  virtual int64_t timestamp_ns() const = 0;
  // Calls `fn` for every label in name order. Only needed when a template prints or ranges
  // over `.` itself (`{{ . }}`, `{{ range $k, $v := . }}`); the default has no labels.
  virtual void for_each_label(const std::function<void(std::string_view name, std::string_view value)>& fn) const {
    (void)fn;
  }
  // The template's `.`: Loki's map of labels by default. Prometheus's alert templates set it to
  // their data (a map with Labels, Value, ExternalLabels, ExternalURL).
  virtual Value dot() const { return Value::labels(this); }
  // The `query` function of Prometheus's template set: runs a query and returns its samples as a
  // list of maps {Labels, Value}. Contexts without a query engine answer an error.
  virtual util::Result<Value> query(std::string_view q) const {
    (void)q;
    return util::Error{"query is not available in this template"};
  }
};

// A parsed template. Immutable after parse; execute() is const and safe to call from many threads.
class Template {
 public:
  // Parses with the template name "line" (what line_format uses; error messages include it).
  static util::Result<Template> parse(std::string_view text);
  // `name` appears in error messages as Go prints it: Loki names line_format templates "line"
  // and label_format templates "label".
  static util::Result<Template> parse(std::string_view text, std::string_view name);
  // With Promtail's function set (its template and replace stages).
  static util::Result<Template> parse(std::string_view text, std::string_view name, FunctionSet functions);

  // Runs the template. A runtime failure (bad function argument, ...) returns an error, which the
  // caller turns into `__error__="TemplateFormatErr"` as Loki does.
  util::Result<std::string> execute(const Context& ctx) const;
  // Same, appending into `out` to avoid an allocation per entry on the hot path.
  util::Status execute_into(const Context& ctx, std::string& out) const;

  // True when the template mentions `__line__`/`__timestamp__` or only labels; lets callers skip work.
  bool uses_line() const;
  bool uses_timestamp() const;

  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

  struct Impl;

 private:
  explicit Template(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logql::tmpl
