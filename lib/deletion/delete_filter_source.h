// Query-time deletes (Loki's deletion_mode filter-only, and filter-and-delete until the
// compactor has rewritten the chunks): a LogSource that hides the entries some delete request of
// the tenant removes. The requests are taken once per select(), so a query sees one consistent set.
// Thread-safety: as the wrapped source; the store is thread-safe.
#pragma once

#include <memory>
#include <string>

#include "deletion/delete_store.h"
#include "logql/eval/source.h"

namespace deletion {

std::unique_ptr<logql::LogSource> filter_deleted(std::unique_ptr<logql::LogSource> source,
                                                 const DeleteRequestStore& store, std::string tenant);

}  // namespace deletion
