// Reading timestamps as clients send them: epoch numbers in seconds, milliseconds, microseconds or
// nanoseconds (told apart by magnitude), and RFC 3339 / ISO 8601 text. Everything becomes Int64
// microseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot::model {

// The `_timestamp`s ingot stores: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z. Each hour
// of that range is a Hive partition `date=YYYY-MM-DD/hour=HH` with a four-digit year, which DuckDB
// reads as a DATE; a record outside it fails (BatchBuilder::EndRecord). Every conversion below
// stays inside int64 for any input, so an out-of-range value is seen as such, never wrapped.
inline constexpr std::int64_t kMinTimestampMicros = -62'135'596'800'000'000;  // 0001-01-01
inline constexpr std::int64_t kMaxTimestampMicros = 253'402'300'799'999'999;  // 9999-12-31 ...

inline bool InStorableRange(std::int64_t micros) {
  return micros >= kMinTimestampMicros && micros <= kMaxTimestampMicros;
}
// "[0001-01-01T00:00:00.000000Z, 9999-12-31T23:59:59.999999Z]", for messages.
std::string StorableRangeText();

// Epoch number of unknown unit -> microseconds. Magnitude decides the unit: below 1e10 seconds
// (until year 2286), below 1e13 milliseconds, below 1e16 microseconds, otherwise nanoseconds.
// Cannot overflow: seconds and milliseconds are below 1e16 µs, nanoseconds are divided.
std::int64_t EpochToMicros(std::int64_t value);
// Same for a number with a fraction (e.g. Splunk's `"time": 1700000000.123`). nullopt when the
// value is not finite or does not fit.
std::optional<std::int64_t> EpochToMicros(double value);

// Parses "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123456+02:00", "2024-01-02T03:04:05.1-0700",
// "2024-01-02T03:04:05" (UTC assumed), "2024-01-02" (midnight UTC), and strings of up to 19 digits
// with an optional '-' (epoch numbers as above; beyond int64 they are read as a double, like a
// JSON number). nullopt when the text is none of these, or names a date or time that does not
// exist (2024-02-31, 2023-02-29, hour 24, minute 60, month 13). A leap second (second 60) is
// accepted and read as second 0 of the next minute, as most parsers do.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// "2024-01-02T03:04:05.000006Z", for messages and file names.
std::string FormatTimestamp(std::int64_t micros);

// Days in `month` (1-12) of `year` (proleptic Gregorian).
int DaysInMonth(int year, int month);

// Microseconds since the epoch for a civil UTC date and time (no range checks).
std::int64_t CivilToMicros(int year, int month, int day, int hour, int minute, int second);

// Current wall-clock time in microseconds.
std::int64_t NowMicros();

}  // namespace ingot::model
