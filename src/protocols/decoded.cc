#include "protocols/decoded.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ingot::protocols {

namespace {

// The key trees of the streams this thread decoded last (see BatchBuilder::KeyTree): a request
// starts from its stream's tree and gives it back when decoded, so a thread that keeps receiving
// the same streams builds their keys once. Trees are kept for a few streams, and only while they
// are of a sane size (a client sending random keys would otherwise grow one without bound).
class KeyTreeCache {
 public:
  model::BatchBuilder::KeyTree Take(std::string_view stream) {
    for (Entry& e : entries_) {
      if (e.stream == stream) {
        e.last_use = ++uses_;
        return std::move(e.tree);
      }
    }
    return {};
  }

  void Give(std::string_view stream, model::BatchBuilder::KeyTree&& tree) {
    if (tree.nodes() > kMaxNodes) return;
    Entry* slot = nullptr;
    for (Entry& e : entries_) {
      if (e.stream == stream) {
        slot = &e;
        break;
      }
      if (slot == nullptr || e.last_use < slot->last_use) slot = &e;  // least recently used
    }
    if (slot == nullptr || (slot->stream != stream && entries_.size() < kStreams)) {
      slot = &entries_.emplace_back();
    }
    slot->stream.assign(stream);
    slot->tree = std::move(tree);
    slot->last_use = ++uses_;
  }

 private:
  static constexpr std::size_t kStreams = 8;
  static constexpr std::size_t kMaxNodes = 4096;
  struct Entry {
    std::string stream;
    model::BatchBuilder::KeyTree tree;
    std::uint64_t last_use = 0;
  };
  std::vector<Entry> entries_;
  std::uint64_t uses_ = 0;
};

thread_local KeyTreeCache key_trees;

}  // namespace

StreamRecords& Decoded::Stream(std::string_view name) {
  // Requests name one stream, or a handful (_bulk, HEC): a linear scan beats hashing here.
  for (auto& s : streams_) {
    if (s->name == name) return *s;
  }
  streams_.push_back(std::make_unique<StreamRecords>(name, options_, key_trees.Take(name)));
  return *streams_.back();
}

void Decoded::Finish() {
  for (auto& s : streams_) {
    s->builder.Finish();
    s->stored = s->builder.records();
    key_trees.Give(s->name, s->builder.TakeKeyTree());
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
