// Moving fields into the `_extra` JSON column after the fact: used when a batch is merged into a
// memtable partition that has no room left for some of its columns (the per-file column cap), so
// those fields are kept as JSON text instead of being dropped.
#pragma once

#include <span>
#include <string>

#include "model/record_batch.h"

namespace ingot::model {

// Removes the columns named in `names` from `batch` and adds their values, row by row, to the
// row's `_extra` object (created when needed): {"<name>":<value>,...}. Strings become JSON
// strings, numbers and bools their JSON spelling.
void MoveColumnsToExtra(RecordBatch& batch, std::span<const std::string> names);

}  // namespace ingot::model
