#include "protocols/decoded.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ingot::protocols {

namespace {

// The key trees of the streams this thread decoded last (see BatchBuilder::KeyTree): a request
// starts from its stream's tree and gives it back when decoded, so a thread that keeps receiving
// the same streams builds their keys once. Trees are kept for a few streams, and only while they
// are of a sane size, in nodes and in bytes (a client sending random keys, or long ones, would
// otherwise make every I/O thread hold megabytes of them): at most kMaxTreeBytes per tree and
// kMaxBytes for all of a thread's trees, least recently used dropped first.
class KeyTreeCache {
 public:
  static constexpr std::size_t kStreams = 8;
  static constexpr std::size_t kMaxNodes = 4096;
  static constexpr std::size_t kMaxTreeBytes = 512 << 10;
  static constexpr std::size_t kMaxBytes = 1 << 20;

  model::BatchBuilder::KeyTree Take(std::string_view stream) {
    for (Entry& e : entries_) {
      if (e.stream == stream) {
        e.last_use = ++uses_;
        bytes_ -= e.tree.bytes();
        return std::move(e.tree);
      }
    }
    return {};
  }

  void Give(std::string_view stream, model::BatchBuilder::KeyTree&& tree) {
    if (tree.nodes() > kMaxNodes || tree.bytes() > kMaxTreeBytes) return;
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
    bytes_ -= slot->tree.bytes();
    slot->tree = {};
    // Room for the new tree: drop the least recently used others.
    while (bytes_ + tree.bytes() > kMaxBytes) {
      Entry* oldest = nullptr;
      for (Entry& e : entries_) {
        if (&e != slot && e.tree.bytes() != 0 && (!oldest || e.last_use < oldest->last_use)) {
          oldest = &e;
        }
      }
      if (oldest == nullptr) break;  // unreachable: kMaxTreeBytes <= kMaxBytes
      bytes_ -= oldest->tree.bytes();
      oldest->tree = {};
    }
    slot->stream.assign(stream);
    slot->tree = std::move(tree);
    slot->last_use = ++uses_;
    bytes_ += slot->tree.bytes();
  }

  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string stream;
    model::BatchBuilder::KeyTree tree;
    std::uint64_t last_use = 0;
  };
  std::vector<Entry> entries_;
  std::uint64_t uses_ = 0;
  std::size_t bytes_ = 0;  // of the trees held
};

thread_local KeyTreeCache key_trees;

}  // namespace

std::size_t KeyTreeCacheBytes() { return key_trees.bytes(); }

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
