// Query-time deletes (Loki's deletion_mode filter-only, and filter-and-delete until the
// compactor has rewritten the chunks): a LogSource that hides the entries some delete request of
// the tenant removes. The requests are taken once per select(), so a query sees one consistent set.
// Thread-safety: as the wrapped source; the delete source is thread-safe. A source that cannot
// answer (the compactor unreachable, nothing cached) fails select() with its error.
#pragma once

#include <memory>
#include <string>

#include "deletion/active_delete_source.h"
#include "logql/eval/source.h"

namespace deletion {

std::unique_ptr<logql::LogSource> filter_deleted(std::unique_ptr<logql::LogSource> source,
                                                 const ActiveDeleteSource& deletes, std::string tenant);

}  // namespace deletion
