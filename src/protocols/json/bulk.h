// Elasticsearch `_bulk` request bodies and responses.
//
// The body is NDJSON of action lines, each `index` / `create` followed by its document line.
// `delete` and `update` are answered per item as unsupported (update's document line is skipped);
// the rest of the request goes on. The stream is the action's `_index` (or the request's default
// stream when the action names none).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "protocols/decoded.h"

namespace ingot::protocols::json {

enum class BulkAction : std::uint8_t { kIndex, kCreate, kDelete, kUpdate };

// The outcome of each action of a bulk request, in order, for the response. Texts (`_index`,
// `_id`) live in one shared buffer so that a request of N actions allocates O(1) times, not N.
class BulkItems {
 public:
  struct Item {
    BulkAction action = BulkAction::kIndex;
    int status = 201;
    std::uint32_t index_begin = 0, index_size = 0;  // `_index` as sent, in texts_
    std::uint32_t id_begin = 0, id_size = 0;        // `_id` as sent (may be empty)
    std::int32_t error = -1;                        // index in errors_ when status is not 2xx
  };

  Item& Add(BulkAction action);
  void SetIndex(Item& item, std::string_view index) {
    Store(index, item.index_begin, item.index_size);
  }
  void SetId(Item& item, std::string_view id) { Store(id, item.id_begin, item.id_size); }
  void Fail(Item& item, int status, std::string_view type, std::string reason);

  std::string_view index(const Item& item) const {
    return {texts_.data() + item.index_begin, item.index_size};
  }
  std::string_view id(const Item& item) const {
    return {texts_.data() + item.id_begin, item.id_size};
  }
  const std::vector<Item>& items() const { return items_; }
  bool errors() const { return !errors_.empty(); }

  // The Elasticsearch bulk response: {"took":N,"errors":B,"items":[{"index":{...,"status":201}}]}.
  std::string Response(std::int64_t took_ms) const;

 private:
  void Store(std::string_view text, std::uint32_t& begin, std::uint32_t& size);

  std::vector<Item> items_;
  std::string texts_;
  std::vector<std::pair<std::string, std::string>> errors_;  // (type, reason)
};

// Decodes `body` into `out` (one StreamRecords per `_index`) and one item per action, in order.
// An unknown action or malformed line fails the whole request with InvalidInput naming the line.
// `default_stream` (sanitized; may be empty) is used when an action has no `_index`.
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeBulk(std::string_view body, std::string_view default_stream, Decoded& out,
                  BulkItems& items);

}  // namespace ingot::protocols::json
