#include "parquet/file_writer.h"

#include <string>
#include <utility>

namespace ingot::parquet {
namespace {
constexpr char kMagic[4] = {'P', 'A', 'R', '1'};
}  // namespace

FileWriter::FileWriter(OutputStream& out, FileSchema schema, WriterOptions options)
    : out_(out), schema_(std::move(schema)), options_(std::move(options)) {
  status_ = schema_.Validate();
}

Status FileWriter::Write(const void* data, std::size_t n) {
  status_ = out_.Write(data, n);
  if (status_.ok()) position_ += n;
  return status_;
}

Status FileWriter::WriteMagicOnce() {
  if (position_ > 0) return Status::Ok();
  return Write(kMagic, sizeof kMagic);
}

Status FileWriter::AppendRowGroup(EncodedRowGroup&& row_group) {
  if (!status_.ok()) return status_;
  if (closed_) return Status::Internal("parquet file already closed");
  if (row_group.columns.size() != schema_.columns.size()) {
    return Status::InvalidInput("row group has " + std::to_string(row_group.columns.size()) +
                                " columns, the file schema " +
                                std::to_string(schema_.columns.size()));
  }
  for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
    const ColumnChunkInfo& c = row_group.columns[i];
    if (c.type != schema_.columns[i].second || c.codec != options_.codec) {
      return Status::InvalidInput("row group column '" + schema_.columns[i].first +
                                  "' was encoded with another type or codec than the file's");
    }
  }
  INGOT_RETURN_IF_ERROR(WriteMagicOnce());

  PlacedRowGroup placed;
  placed.num_rows = row_group.num_rows;
  placed.file_offset = static_cast<std::int64_t>(position_);
  placed.columns = std::move(row_group.columns);
  for (ColumnChunkInfo& c : placed.columns) {
    c.data_page_offset += placed.file_offset;
    if (c.dictionary_page_offset >= 0) c.dictionary_page_offset += placed.file_offset;
  }
  INGOT_RETURN_IF_ERROR(Write(row_group.bytes.data(), row_group.bytes.size()));
  num_rows_ += placed.num_rows;
  row_groups_.push_back(std::move(placed));
  return Status::Ok();
}

Status FileWriter::Close() {
  if (!status_.ok()) return status_;
  if (closed_) return Status::Internal("parquet file already closed");
  closed_ = true;
  INGOT_RETURN_IF_ERROR(WriteMagicOnce());
  ByteBuffer footer;
  status_ = AppendFileMetaData(schema_, options_, row_groups_, &footer);
  if (!status_.ok()) return status_;
  footer.AppendLittleEndian(static_cast<std::uint32_t>(footer.size()));
  footer.Append(kMagic, sizeof kMagic);
  return Write(footer.data(), footer.size());
}

}  // namespace ingot::parquet
