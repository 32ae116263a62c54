#include "protocols/decoded.h"

namespace ingot::protocols {

StreamRecords& Decoded::Stream(std::string_view name) {
  // Requests name one stream, or a handful (_bulk, HEC): a linear scan beats hashing here.
  for (auto& s : streams_) {
    if (s->name == name) return *s;
  }
  auto s = std::make_unique<StreamRecords>();
  s->name = name;
  s->builder.Reset(options_);
  streams_.push_back(std::move(s));
  return *streams_.back();
}

void Decoded::Finish() {
  for (auto& s : streams_) {
    s->builder.Finish();
    s->stored = s->builder.records();
  }
}

std::size_t Decoded::successful() const {
  std::size_t n = 0;
  for (const auto& s : streams_) n += s->stored;
  return n;
}

std::size_t Decoded::failed() const {
  std::size_t n = 0;
  for (const auto& s : streams_) n += s->failed;
  return n;
}

}  // namespace ingot::protocols
