// Placeholder until the template engine lands; keeps the tree linking.
#include "logql/template/template.h"

namespace logql::tmpl {

struct Template::Impl {};

util::Result<Template> Template::parse(std::string_view) { return util::Error{"templates not implemented yet"}; }
util::Result<std::string> Template::execute(const Context&) const { return util::Error{"not implemented"}; }
util::Status Template::execute_into(const Context&, std::string&) const { return util::Error{"not implemented"}; }
bool Template::uses_line() const { return true; }
bool Template::uses_timestamp() const { return true; }
Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

}  // namespace logql::tmpl
