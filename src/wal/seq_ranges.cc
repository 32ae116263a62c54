#include "wal/seq_ranges.h"

#include <algorithm>
#include <charconv>
#include <iterator>

namespace ingot::wal {

void SeqRanges::Add(std::uint64_t seq) {
  if (ranges_.empty() || seq > ranges_.back().second + 1) {
    ranges_.emplace_back(seq, seq);
    return;
  }
  // The first range that ends at or after seq - 1: the only one seq can touch from below.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), seq,
                             [](const Range& r, std::uint64_t s) { return r.second + 1 < s; });
  if (seq + 1 < it->first) {
    ranges_.insert(it, {seq, seq});
  } else if (seq + 1 == it->first) {
    it->first = seq;  // the range before ends below seq - 1, so nothing to merge there
  } else if (seq == it->second + 1) {
    it->second = seq;
    auto next = it + 1;
    if (next != ranges_.end() && next->first == seq + 1) {
      it->second = next->second;
      ranges_.erase(next);
    }
  }  // else seq is inside *it already
}

void SeqRanges::Add(const SeqRanges& other) {
  if (other.empty()) return;
  std::vector<Range> all;
  all.reserve(ranges_.size() + other.ranges_.size());
  std::merge(ranges_.begin(), ranges_.end(), other.ranges_.begin(), other.ranges_.end(),
             std::back_inserter(all));
  ranges_.clear();
  for (const Range& r : all) {
    if (!ranges_.empty() && r.first <= ranges_.back().second + 1) {
      ranges_.back().second = std::max(ranges_.back().second, r.second);
    } else {
      ranges_.push_back(r);
    }
  }
}

void SeqRanges::Remove(const SeqRanges& other) {
  std::vector<Range> kept;
  auto cut = other.ranges_.begin();
  for (Range r : ranges_) {
    while (cut != other.ranges_.end() && cut->second < r.first) ++cut;
    for (auto c = cut; c != other.ranges_.end() && c->first <= r.second; ++c) {
      if (c->first > r.first) kept.emplace_back(r.first, c->first - 1);
      if (c->second >= r.second) {
        r.first = r.second + 1;  // nothing left of r
        break;
      }
      r.first = c->second + 1;
    }
    if (r.first <= r.second) kept.push_back(r);
  }
  ranges_ = std::move(kept);
}

bool SeqRanges::Contains(std::uint64_t seq) const {
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), seq,
                             [](const Range& r, std::uint64_t s) { return r.second < s; });
  return it != ranges_.end() && it->first <= seq;
}

std::string SeqRanges::ToString() const {
  std::string out;
  for (const auto& [first, last] : ranges_) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(first);
    if (last != first) {
      out.push_back('-');
      out += std::to_string(last);
    }
  }
  return out;
}

Result<SeqRanges> SeqRanges::Parse(std::string_view text) {
  SeqRanges out;
  const char* p = text.data();
  const char* end = p + text.size();
  auto number = [&](std::uint64_t& v) {
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) return false;
    p = next;
    return true;
  };
  while (p < end) {
    std::uint64_t first, last;
    if (!number(first)) return Status::InvalidInput("bad sequence set: " + std::string(text));
    last = first;
    if (p < end && *p == '-') {
      ++p;
      if (!number(last) || last < first) {
        return Status::InvalidInput("bad sequence set: " + std::string(text));
      }
    }
    if (!out.ranges_.empty() && first <= out.ranges_.back().second) {
      return Status::InvalidInput("sequence set not increasing: " + std::string(text));
    }
    out.ranges_.emplace_back(first, last);
    if (p < end && *p++ != ',')
      return Status::InvalidInput("bad sequence set: " + std::string(text));
  }
  return out;
}

}  // namespace ingot::wal
