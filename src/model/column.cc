#include "model/column.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

namespace ingot::model {

std::size_t Column::value_count() const {
  switch (type_) {
    case ColumnType::kBool: return bools_.size();
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return ints_.size();
    case ColumnType::kFloat64: return doubles_.size();
    case ColumnType::kString: return offsets_.empty() ? 0 : offsets_.size() - 1;
  }
  return 0;
}

std::vector<std::uint8_t> Column::DefinedRows() const {
  if (all_defined()) return std::vector<std::uint8_t>(rows_, 1);
  return defined_;
}

void Column::AppendString(std::string_view v) {
  AddDefinedRow();
  StartOffsets();
  bytes_.insert(bytes_.end(), v.begin(), v.end());
  offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
}

void Column::TruncateRows(std::size_t n) {
  if (n >= rows_) return;
  std::size_t dropped_values = rows_ - n;
  if (!all_defined()) {
    dropped_values = 0;
    for (std::size_t r = n; r < rows_; ++r) dropped_values += defined_[r];
    defined_.resize(n);
  }
  rows_ = n;
  const std::size_t keep = value_count() - dropped_values;
  switch (type_) {
    case ColumnType::kBool: bools_.resize(keep); break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: ints_.resize(keep); break;
    case ColumnType::kFloat64: doubles_.resize(keep); break;
    case ColumnType::kString:
      if (keep == 0) {
        offsets_.clear();
        bytes_.clear();
      } else {
        offsets_.resize(keep + 1);
        bytes_.resize(offsets_.back());
      }
      break;
  }
}

void AppendIntText(std::int64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendDoubleText(double v, std::string& out) {
  if (!std::isfinite(v)) {  // JSON has no spelling for these; keep them readable
    out += std::isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendValueText(const Column& c, std::size_t i, std::string& out) {
  switch (c.type()) {
    case ColumnType::kBool: out += c.bools()[i] ? "true" : "false"; break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: AppendIntText(c.ints()[i], out); break;
    case ColumnType::kFloat64: AppendDoubleText(c.doubles()[i], out); break;
    case ColumnType::kString: out += c.string_at(i); break;
  }
}

void Column::WidenTo(ColumnType t) {
  if (t == type_) return;
  assert(WidenedType(type_, t) == t);
  const std::size_t n = value_count();
  switch (t) {
    case ColumnType::kInt64:  // from bool
      ints_.assign(bools_.begin(), bools_.end());
      bools_ = {};
      break;
    case ColumnType::kFloat64:
      if (type_ == ColumnType::kBool) {
        doubles_.assign(bools_.begin(), bools_.end());
        bools_ = {};
      } else {
        doubles_.resize(n);
        for (std::size_t i = 0; i < n; ++i) doubles_[i] = static_cast<double>(ints_[i]);
        ints_ = {};
      }
      break;
    case ColumnType::kString: {
      std::string text;
      offsets_.assign(1, 0);  // n may be 0: an empty column keeps value_count() == 0 either way
      bytes_.clear();
      for (std::size_t i = 0; i < n; ++i) {
        text.clear();
        AppendValueText(*this, i, text);
        bytes_.insert(bytes_.end(), text.begin(), text.end());
        offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
      }
      ints_ = {};
      doubles_ = {};
      bools_ = {};
      break;
    }
    case ColumnType::kBool:
    case ColumnType::kTimestamp: assert(false && "nothing widens to bool or timestamp"); break;
  }
  type_ = t;
}

void Column::AppendRowsFrom(const Column& src, std::size_t begin, std::size_t end) {
  assert(WidenedType(type_, src.type_) == type_);
  std::size_t first_value = begin;
  std::size_t n_values = end - begin;
  if (src.all_defined()) {
    if (!all_defined()) defined_.insert(defined_.end(), end - begin, 1);
  } else {
    first_value = 0;
    for (std::size_t r = 0; r < begin; ++r) first_value += src.defined_[r];
    n_values = 0;
    for (std::size_t r = begin; r < end; ++r) n_values += src.defined_[r];
    // When every copied row has a value, a column without definition bytes stays without.
    if (!all_defined() || n_values != end - begin) {
      StartDefinitionBytes();
      defined_.insert(defined_.end(), src.defined_.begin() + begin, src.defined_.begin() + end);
    }
  }
  rows_ += end - begin;
  const std::size_t last_value = first_value + n_values;

  if (type_ == src.type_) {
    switch (type_) {
      case ColumnType::kBool:
        bools_.insert(bools_.end(), src.bools_.begin() + first_value,
                      src.bools_.begin() + last_value);
        return;
      case ColumnType::kInt64:
      case ColumnType::kTimestamp:
        ints_.insert(ints_.end(), src.ints_.begin() + first_value, src.ints_.begin() + last_value);
        return;
      case ColumnType::kFloat64:
        doubles_.insert(doubles_.end(), src.doubles_.begin() + first_value,
                        src.doubles_.begin() + last_value);
        return;
      case ColumnType::kString: {
        if (n_values == 0) return;
        StartOffsets();
        const std::uint32_t from = src.offsets_[first_value];
        const std::uint32_t to = src.offsets_[last_value];
        const auto base = static_cast<std::uint32_t>(bytes_.size());
        bytes_.insert(bytes_.end(), src.bytes_.begin() + from, src.bytes_.begin() + to);
        for (std::size_t i = first_value + 1; i <= last_value; ++i) {
          offsets_.push_back(base + (src.offsets_[i] - from));
        }
        return;
      }
    }
  }
  // Widening copy: value by value (rare; happens once per batch whose type differs).
  if (type_ == ColumnType::kString && n_values != 0) StartOffsets();
  std::string text;
  for (std::size_t i = first_value; i < last_value; ++i) {
    switch (type_) {
      case ColumnType::kInt64: ints_.push_back(src.bools_[i]); break;
      case ColumnType::kFloat64:
        doubles_.push_back(src.type_ == ColumnType::kBool ? src.bools_[i]
                                                          : static_cast<double>(src.ints_[i]));
        break;
      case ColumnType::kString:
        text.clear();
        AppendValueText(src, i, text);
        bytes_.insert(bytes_.end(), text.begin(), text.end());
        offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
        break;
      case ColumnType::kBool:
      case ColumnType::kTimestamp: assert(false); break;
    }
  }
}

void Column::AppendRowFrom(const Column& src, std::size_t row, std::size_t value_index) {
  if (!src.is_defined(row)) {
    AppendNull();
    return;
  }
  AddDefinedRow();
  std::string text;
  const ColumnType from = src.type_;
  switch (type_) {
    case ColumnType::kBool: bools_.push_back(src.bools_[value_index]); break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      ints_.push_back(from == ColumnType::kBool ? src.bools_[value_index] : src.ints_[value_index]);
      break;
    case ColumnType::kFloat64:
      doubles_.push_back(from == ColumnType::kFloat64 ? src.doubles_[value_index]
                         : from == ColumnType::kBool  ? src.bools_[value_index]
                                                     : static_cast<double>(src.ints_[value_index]));
      break;
    case ColumnType::kString:
      StartOffsets();
      AppendValueText(src, value_index, text);
      bytes_.insert(bytes_.end(), text.begin(), text.end());
      offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
      break;
  }
}

namespace {

template <class T>
void GrowWithSlack(std::vector<T>& v, std::size_t n) {
  if (v.capacity() < n) v.reserve(n + n / 2);
}

}  // namespace

void Column::ReserveWithSlack(std::size_t rows, std::size_t string_bytes) {
  // Definition bytes only for a column that had nulls in its last use.
  if (defined_.capacity() != 0) GrowWithSlack(defined_, rows);
  switch (type_) {
    case ColumnType::kBool: GrowWithSlack(bools_, rows); break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: GrowWithSlack(ints_, rows); break;
    case ColumnType::kFloat64: GrowWithSlack(doubles_, rows); break;
    case ColumnType::kString:
      GrowWithSlack(offsets_, rows + 1);
      GrowWithSlack(bytes_, string_bytes);
      break;
  }
}

void Column::Reserve(std::size_t rows, std::size_t string_bytes) {
  switch (type_) {
    case ColumnType::kBool: bools_.reserve(rows); break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: ints_.reserve(rows); break;
    case ColumnType::kFloat64: doubles_.reserve(rows); break;
    case ColumnType::kString:
      offsets_.reserve(rows + 1);
      bytes_.reserve(string_bytes);
      break;
  }
}

std::size_t Column::MemoryBytes() const {
  return defined_.capacity() + ints_.capacity() * sizeof(std::int64_t) +
         doubles_.capacity() * sizeof(double) + bools_.capacity() +
         offsets_.capacity() * sizeof(std::uint32_t) + bytes_.capacity() + name_.capacity();
}

void Column::Clear() {
  rows_ = 0;
  defined_.clear();
  ints_.clear();
  doubles_.clear();
  bools_.clear();
  offsets_.clear();
  bytes_.clear();
}

}  // namespace ingot::model
