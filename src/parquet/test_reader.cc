#include "parquet/test_reader.h"

#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "parquet/thrift_io.h"

namespace ingot::parquet::testing {
namespace {

using model::ColumnType;

std::uint32_t ReadU32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

Result<std::string> Decompress(format::CompressionCodec::type codec, std::string_view in,
                               std::size_t uncompressed) {
  std::string out(uncompressed, '\0');
  switch (codec) {
    case format::CompressionCodec::UNCOMPRESSED:
      if (in.size() != uncompressed) return Status::InvalidInput("uncompressed size mismatch");
      out.assign(in);
      return out;
    case format::CompressionCodec::SNAPPY:
      if (!snappy::RawUncompress(in.data(), in.size(), out.data())) {
        return Status::InvalidInput("bad snappy page");
      }
      return out;
    case format::CompressionCodec::LZ4_RAW: {
      const int n = LZ4_decompress_safe(in.data(), out.data(), static_cast<int>(in.size()),
                                        static_cast<int>(uncompressed));
      if (n != static_cast<int>(uncompressed)) return Status::InvalidInput("bad lz4 page");
      return out;
    }
    case format::CompressionCodec::ZSTD: {
      const std::size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
      if (ZSTD_isError(n) || n != uncompressed) return Status::InvalidInput("bad zstd page");
      return out;
    }
    default: return Status::InvalidInput("codec not supported by the test reader");
  }
}

ColumnType TypeOf(const format::SchemaElement& e) {
  switch (e.type) {
    case format::Type::BOOLEAN: return ColumnType::kBool;
    case format::Type::DOUBLE: return ColumnType::kFloat64;
    case format::Type::BYTE_ARRAY: return ColumnType::kString;
    default:
      return e.__isset.logicalType && e.logicalType.__isset.TIMESTAMP ? ColumnType::kTimestamp
                                                                      : ColumnType::kInt64;
  }
}

// Values of one column chunk as the writer stored them: a PLAIN stream, decoded on demand.
struct PlainReader {
  ColumnType type;
  std::string_view data;
  std::size_t pos = 0;
  std::size_t bool_index = 0;

  Status AppendNext(model::Column& out) {
    switch (type) {
      case ColumnType::kBool: {
        if (bool_index / 8 >= data.size()) return Status::InvalidInput("boolean past page end");
        const auto byte = static_cast<unsigned char>(data[bool_index / 8]);
        out.AppendBool(((byte >> (bool_index % 8)) & 1) != 0);
        ++bool_index;
        return Status::Ok();
      }
      case ColumnType::kInt64:
      case ColumnType::kTimestamp: {
        if (pos + 8 > data.size()) return Status::InvalidInput("int64 past page end");
        std::int64_t v;
        std::memcpy(&v, data.data() + pos, 8);
        pos += 8;
        out.AppendInt(v);
        return Status::Ok();
      }
      case ColumnType::kFloat64: {
        if (pos + 8 > data.size()) return Status::InvalidInput("double past page end");
        double v;
        std::memcpy(&v, data.data() + pos, 8);
        pos += 8;
        out.AppendDouble(v);
        return Status::Ok();
      }
      case ColumnType::kString: {
        if (pos + 4 > data.size()) return Status::InvalidInput("length past page end");
        const std::uint32_t n = ReadU32(data.data() + pos);
        if (pos + 4 + n > data.size()) return Status::InvalidInput("bytes past page end");
        out.AppendString(data.substr(pos + 4, n));
        pos += 4 + n;
        return Status::Ok();
      }
    }
    return Status::Internal("type");
  }
};

Status ReadChunk(std::string_view file, const format::ColumnChunk& chunk, ColumnType type,
                 model::Column& out) {
  const format::ColumnMetaData& m = chunk.meta_data;
  std::size_t pos = static_cast<std::size_t>(
      m.__isset.dictionary_page_offset ? m.dictionary_page_offset : m.data_page_offset);
  const std::size_t end = pos + static_cast<std::size_t>(m.total_compressed_size);
  if (end > file.size()) return Status::InvalidInput("column chunk past end of file");
  model::Column dictionary("dictionary", type);
  std::int64_t rows = 0;
  while (pos < end) {
    format::PageHeader header;
    std::uint32_t header_bytes = 0;
    INGOT_RETURN_IF_ERROR(
        internal::ReadThrift(file.substr(pos, end - pos), &header, &header_bytes));
    pos += header_bytes;
    const auto stored = static_cast<std::size_t>(header.compressed_page_size);
    if (pos + stored > end) return Status::InvalidInput("page past end of chunk");
    Result<std::string> body = Decompress(m.codec, file.substr(pos, stored),
                                          static_cast<std::size_t>(header.uncompressed_page_size));
    if (!body.ok()) return body.status();
    pos += stored;
    const std::string_view page = body.value();

    if (header.type == format::PageType::DICTIONARY_PAGE) {
      PlainReader reader{type, page};
      for (std::int32_t i = 0; i < header.dictionary_page_header.num_values; ++i) {
        INGOT_RETURN_IF_ERROR(reader.AppendNext(dictionary));
      }
      continue;
    }
    if (header.type != format::PageType::DATA_PAGE) return Status::InvalidInput("page type");
    const format::DataPageHeader& data = header.data_page_header;
    const auto n = static_cast<std::size_t>(data.num_values);
    if (page.size() < 4) return Status::InvalidInput("page without levels");
    const std::uint32_t levels_bytes = ReadU32(page.data());
    if (4 + levels_bytes > page.size()) return Status::InvalidInput("levels past page end");
    Result<std::vector<std::uint32_t>> levels = DecodeRleHybrid(page.substr(4, levels_bytes), 1, n);
    if (!levels.ok()) return levels.status();
    std::size_t defined = 0;
    for (std::uint32_t l : levels.value()) defined += l;
    const std::string_view values = page.substr(4 + levels_bytes);

    std::vector<std::uint32_t> ids;
    PlainReader plain{type, values};
    if (data.encoding == format::Encoding::RLE_DICTIONARY) {
      if (values.empty()) return Status::InvalidInput("dictionary page without bit width");
      Result<std::vector<std::uint32_t>> decoded =
          DecodeRleHybrid(values.substr(1), static_cast<unsigned char>(values[0]), defined);
      if (!decoded.ok()) return decoded.status();
      ids = std::move(decoded.value());
    } else if (data.encoding != format::Encoding::PLAIN) {
      return Status::InvalidInput("encoding not supported by the test reader");
    }
    std::size_t next = 0;
    for (std::uint32_t l : levels.value()) {
      if (l == 0) {
        out.AppendNull();
      } else if (ids.empty()) {
        INGOT_RETURN_IF_ERROR(plain.AppendNext(out));
      } else {
        const std::uint32_t id = ids[next++];
        if (id >= dictionary.value_count()) return Status::InvalidInput("id past dictionary");
        out.AppendRowFrom(dictionary, id, id);
      }
    }
    rows += data.num_values;
  }
  if (rows != m.num_values) return Status::InvalidInput("chunk num_values mismatch");
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::uint32_t>> DecodeRleHybrid(std::string_view data, int bit_width,
                                                   std::size_t count) {
  std::vector<std::uint32_t> out;
  std::size_t pos = 0;
  while (out.size() < count) {
    std::uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= data.size()) return Status::InvalidInput("run header past end");
      const auto b = static_cast<unsigned char>(data[pos++]);
      header |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
    }
    if ((header & 1) == 0) {
      const std::size_t run = header >> 1;
      const std::size_t width_bytes = (static_cast<std::size_t>(bit_width) + 7) / 8;
      if (pos + width_bytes > data.size()) return Status::InvalidInput("run value past end");
      std::uint32_t value = 0;
      for (std::size_t b = 0; b < width_bytes; ++b) {
        value |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[pos + b])) << (8 * b);
      }
      pos += width_bytes;
      if (run == 0) return Status::InvalidInput("empty rle run");
      out.insert(out.end(), run, value);
    } else {
      const std::size_t values = (header >> 1) * 8;
      const std::size_t bytes = (header >> 1) * static_cast<std::size_t>(bit_width);
      if (pos + bytes > data.size()) return Status::InvalidInput("bit-packed run past end");
      // Bit i of the run is bit (i % 8) of byte i / 8.
      for (std::size_t v = 0; v < values; ++v) {
        std::uint32_t value = 0;
        for (int b = 0; b < bit_width; ++b) {
          const std::size_t bit =
              v * static_cast<std::size_t>(bit_width) + static_cast<std::size_t>(b);
          const auto byte = static_cast<unsigned char>(data[pos + bit / 8]);
          value |= static_cast<std::uint32_t>((byte >> (bit % 8)) & 1) << b;
        }
        out.push_back(value);
      }
      pos += bytes;
    }
  }
  if (pos != data.size()) return Status::InvalidInput("bytes left after the runs");
  out.resize(count);  // the last bit-packed run may be padded
  return out;
}

Result<format::FileMetaData> ReadFileMetaData(std::string_view file) {
  if (file.size() < 12 || file.substr(0, 4) != "PAR1" || file.substr(file.size() - 4) != "PAR1") {
    return Status::InvalidInput("missing PAR1 magic");
  }
  const std::uint32_t length = ReadU32(file.data() + file.size() - 8);
  if (length > file.size() - 12) return Status::InvalidInput("footer length too large");
  format::FileMetaData meta;
  std::uint32_t consumed = 0;
  INGOT_RETURN_IF_ERROR(
      internal::ReadThrift(file.substr(file.size() - 8 - length, length), &meta, &consumed));
  if (consumed != length) return Status::InvalidInput("footer length does not match FileMetaData");
  return meta;
}

Result<model::RecordBatch> ReadFile(std::string_view file) {
  Result<format::FileMetaData> meta = ReadFileMetaData(file);
  if (!meta.ok()) return meta.status();
  const format::FileMetaData& m = meta.value();
  model::RecordBatch batch;
  std::vector<ColumnType> types;
  for (std::size_t i = 1; i < m.schema.size(); ++i) {
    types.push_back(TypeOf(m.schema[i]));
    batch.AddColumn(m.schema[i].name, types.back());
  }
  for (const format::RowGroup& group : m.row_groups) {
    if (group.columns.size() != types.size()) return Status::InvalidInput("row group columns");
    for (std::size_t c = 0; c < types.size(); ++c) {
      INGOT_RETURN_IF_ERROR(ReadChunk(file, group.columns[c], types[c], batch.column(c)));
    }
    for (std::int64_t r = 0; r < group.num_rows; ++r) batch.CommitRow();
  }
  return batch;
}

}  // namespace ingot::parquet::testing
