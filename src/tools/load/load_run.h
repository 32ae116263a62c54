// RunLoad: one ingot-load run, start to report. Builds the bodies, resolves and connects, runs the
// client threads until the time or count bound (or an interrupt), prints a progress line while
// it runs, and merges what every thread measured into one LoadReport.
#pragma once

#include <atomic>
#include <cstdio>

#include "common/status.h"
#include "tools/load/load_options.h"
#include "tools/load/load_report.h"

namespace ingot::load {

// `progress`: where the progress line goes, once per options.progress_interval (nullptr: none);
// '\r'-updated on a terminal, a line each time otherwise. `interrupts`: polled every 100 ms;
// 1 stops sending new requests and lets those in flight finish, 2 closes everything at once
// (a signal handler increments it). Errors: invalid options, an unresolvable host, an ack file
// that cannot be opened, not enough memory for the bodies.
Result<LoadReport> RunLoad(const LoadOptions& options, std::FILE* progress = nullptr,
                           const std::atomic<int>* interrupts = nullptr);

}  // namespace ingot::load
