// Reading timestamps as clients send them: epoch numbers in seconds, milliseconds, microseconds or
// nanoseconds (told apart by magnitude), and RFC 3339 / ISO 8601 text. Everything becomes Int64
// microseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot::model {

// Epoch number of unknown unit -> microseconds. Magnitude decides the unit: below 1e10 seconds
// (until year 2286), below 1e13 milliseconds, below 1e16 microseconds, otherwise nanoseconds.
std::int64_t EpochToMicros(std::int64_t value);
// Same for a number with a fraction (e.g. Splunk's `"time": 1700000000.123`). nullopt when the
// value is not finite or does not fit.
std::optional<std::int64_t> EpochToMicros(double value);

// Parses "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123456+02:00", "2024-01-02T03:04:05.1-0700",
// "2024-01-02T03:04:05" (UTC assumed), "2024-01-02" (midnight UTC), and strings of digits (epoch
// numbers as above). nullopt when the text is none of these.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// "2024-01-02T03:04:05.000006Z", for messages and file names.
std::string FormatTimestamp(std::int64_t micros);

// Microseconds since the epoch for a civil UTC date and time (no range checks).
std::int64_t CivilToMicros(int year, int month, int day, int hour, int minute, int second);

// Current wall-clock time in microseconds.
std::int64_t NowMicros();

}  // namespace ingot::model
