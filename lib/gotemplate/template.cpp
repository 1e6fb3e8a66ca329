// Template facade: owns the parsed tree and runs the executor.
#include "gotemplate/template.h"

#include "gotemplate/exec.h"
#include "gotemplate/parser.h"

namespace gotemplate {

struct Template::Impl {
  std::unique_ptr<Tree> tree;
};

util::Result<Template> Template::parse(std::string_view text) { return parse(text, "line"); }

util::Result<Template> Template::parse(std::string_view text, std::string_view name) {
  return parse(text, name, FunctionSet::kLoki);
}

util::Result<Template> Template::parse(std::string_view text, std::string_view name, FunctionSet functions) {
  auto tree = parse_tree(name, text, functions);
  if (!tree.ok()) return tree.status_error();
  auto impl = std::make_unique<Impl>();
  impl->tree = std::move(*tree);
  return Template(std::move(impl));
}

util::Result<std::string> Template::execute(const Context& ctx, const ExecLimits& limits) const {
  std::string out;
  util::Status st = execute_into(ctx, out, limits);
  if (!st.ok()) return st.status_error();
  return out;
}

util::Status Template::execute_into(const Context& ctx, std::string& out, const ExecLimits& limits) const {
  return execute_tree(*impl_->tree, ctx, out, limits);
}

bool Template::uses_line() const { return impl_->tree->uses_line; }
bool Template::uses_timestamp() const { return impl_->tree->uses_timestamp; }

Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

}  // namespace gotemplate
