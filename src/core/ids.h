// Job ids: 26-character, lexicographically sortable by creation time, unique
// across processes and machines (ULID layout: 48-bit milliseconds + 80 random bits,
// Crockford base32). Within one process ids made in the same millisecond still sort
// in creation order.
#pragma once

#include <string>

#include "core/env.h"

namespace a11y {

std::string NewSortableId(TimePoint now);
// True when `id` could name a job: 1-128 chars of [A-Za-z0-9._:-].
bool IsValidJobId(const std::string& id);

}  // namespace a11y
