#include "src/source.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

class FdReader : public ByteReader {
 public:
  FdReader(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {}
  ~FdReader() override {
    if (owned_) ::close(fd_);
  }

  size_t read(char* dst, size_t n) override {
    size_t total = 0;
    while (total < n) {
      ssize_t got = ::read(fd_, dst + total, n - total);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw InputError(fmt::format("{}: cannot read: {}", name_, std::strerror(errno)));
      }
      if (got == 0) break;
      total += static_cast<size_t>(got);
    }
    return total;
  }

 private:
  int fd_;
  std::string name_;
  bool owned_;
};

class StringReader : public ByteReader {
 public:
  explicit StringReader(std::string text) : text_(std::move(text)) {}
  size_t read(char* dst, size_t n) override {
    size_t take = std::min(n, text_.size() - pos_);
    std::memcpy(dst, text_.data() + pos_, take);
    pos_ += take;
    return take;
  }

 private:
  std::string text_;
  size_t pos_ = 0;
};

// Bytes that were read to sniff the compression magic, handed back before the rest.
class PrefixedReader : public ByteReader {
 public:
  PrefixedReader(std::string prefix, std::unique_ptr<ByteReader> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  size_t read(char* dst, size_t n) override {
    size_t total = 0;
    if (pos_ < prefix_.size()) {
      total = std::min(n, prefix_.size() - pos_);
      std::memcpy(dst, prefix_.data() + pos_, total);
      pos_ += total;
    }
    if (total < n) total += rest_->read(dst + total, n - total);
    return total;
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteReader> rest_;
};

// Inflates gzip (all members, as `gzip -dc` does) from an underlying reader.
class GzipReader : public ByteReader {
 public:
  GzipReader(std::unique_ptr<ByteReader> compressed, std::string name)
      : in_(std::move(compressed)), name_(std::move(name)), buffer_(new unsigned char[kBufferSize]) {
    std::memset(&stream_, 0, sizeof stream_);
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK)
      throw InputError(fmt::format("{}: cannot start gzip decompression", name_));
  }
  ~GzipReader() override { inflateEnd(&stream_); }

  size_t read(char* dst, size_t n) override {
    if (!failure_.empty()) throw InputError(failure_);
    size_t total = 0;
    while (total < n && !done_) {
      if (stream_.avail_in == 0) {
        stream_.avail_in = static_cast<uInt>(in_->read(reinterpret_cast<char*>(buffer_.get()), kBufferSize));
        stream_.next_in = buffer_.get();
        if (stream_.avail_in == 0) {
          if (!at_member_end_)
            return fail(total, fmt::format("{}: truncated gzip data (unexpected end of file)", name_));
          done_ = true;
          break;
        }
      }
      stream_.next_out = reinterpret_cast<unsigned char*>(dst + total);
      stream_.avail_out = static_cast<uInt>(std::min<size_t>(n - total, 1u << 30));
      int rc = inflate(&stream_, Z_NO_FLUSH);
      total = reinterpret_cast<char*>(stream_.next_out) - dst;
      if (rc == Z_STREAM_END) {
        at_member_end_ = true;
        inflateReset(&stream_);  // another gzip member may follow
      } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
        if (stream_.total_in > 0) at_member_end_ = false;
      } else {
        return fail(total,
                    fmt::format("{}: corrupt gzip data: {}", name_, stream_.msg ? stream_.msg : "inflate failed"));
      }
    }
    return total;
  }

 private:
  // Hands out what was inflated before a failure and throws at the next read, so that a
  // reader can keep the good part of a truncated or corrupt input (--lenient).
  size_t fail(size_t total, std::string message) {
    if (total == 0) throw InputError(message);
    failure_ = std::move(message);
    return total;
  }

  static constexpr size_t kBufferSize = 1 << 18;
  std::unique_ptr<ByteReader> in_;
  std::string name_;
  std::string failure_;
  std::unique_ptr<unsigned char[]> buffer_;
  z_stream stream_;
  bool done_ = false;
  bool at_member_end_ = false;
};

// Decompresses zstd (every frame, as `zstd -dc` does) from an underlying reader.
class ZstdReader : public ByteReader {
 public:
  ZstdReader(std::unique_ptr<ByteReader> compressed, std::string name)
      : in_(std::move(compressed)), name_(std::move(name)), buffer_(new char[kBufferSize]), stream_(ZSTD_createDStream()) {
    if (stream_ == nullptr || ZSTD_isError(ZSTD_initDStream(stream_)))
      throw InputError(fmt::format("{}: cannot start zstd decompression", name_));
  }
  ~ZstdReader() override { ZSTD_freeDStream(stream_); }

  size_t read(char* dst, size_t n) override {
    if (!failure_.empty()) throw InputError(failure_);
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos < out.size && !done_) {
      if (in_pos_ == in_size_) {
        in_size_ = in_->read(buffer_.get(), kBufferSize);
        in_pos_ = 0;
        if (in_size_ == 0) {
          // 0 from the last call = a frame ended exactly there.
          if (frame_open_) return fail(out.pos, fmt::format("{}: truncated zstd data (unexpected end of file)", name_));
          done_ = true;
          break;
        }
      }
      ZSTD_inBuffer in{buffer_.get(), in_size_, in_pos_};
      size_t rc = ZSTD_decompressStream(stream_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(rc)) return fail(out.pos, fmt::format("{}: corrupt zstd data: {}", name_, ZSTD_getErrorName(rc)));
      frame_open_ = rc != 0;
    }
    return out.pos;
  }

 private:
  // As GzipReader::fail: the good bytes first, the failure at the next read.
  size_t fail(size_t total, std::string message) {
    if (total == 0) throw InputError(message);
    failure_ = std::move(message);
    return total;
  }

  static constexpr size_t kBufferSize = 1 << 18;
  std::unique_ptr<ByteReader> in_;
  std::string name_;
  std::string failure_;
  std::unique_ptr<char[]> buffer_;
  ZSTD_DStream* stream_;
  size_t in_size_ = 0;
  size_t in_pos_ = 0;
  bool frame_open_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Source> Source::open(const std::string& path) {
  std::string name = path == "-" ? "<stdin>" : path;
  int fd = 0;
  bool owned = false;
  uint64_t size_hint = 0;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
    owned = true;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (owned) ::close(fd);
      throw InputError(fmt::format("{}: is a directory (expected a trace or log file)", name));
    }
    if (S_ISREG(st.st_mode)) size_hint = static_cast<uint64_t>(st.st_size);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  if (owned) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  std::unique_ptr<ByteReader> reader = std::make_unique<FdReader>(fd, name, owned);

  // Sniff compression by magic bytes, never by file name.
  char magic[4] = {};
  size_t got = reader->read(magic, sizeof magic);
  std::string prefix(magic, got);
  reader = std::make_unique<PrefixedReader>(prefix, std::move(reader));
  bool gzip = got >= 2 && static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b;
  bool zstd = got == 4 && std::memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0;
  if (gzip) reader = std::make_unique<GzipReader>(std::move(reader), name);
  if (zstd) reader = std::make_unique<ZstdReader>(std::move(reader), name);

  std::unique_ptr<Source> source(new Source(name, std::move(reader)));
  source->compressed_ = gzip || zstd;
  source->size_hint_ = source->compressed_ ? 0 : size_hint;
  if (S_ISREG(st.st_mode) && !source->compressed_) source->mappable_fd_ = fd;
  return source;
}

std::unique_ptr<Source> Source::from_string(const std::string& name, std::string text) {
  std::unique_ptr<Source> source(new Source(name, std::make_unique<StringReader>(std::move(text))));
  return source;
}

std::optional<MappedText> Source::map_whole() {
  struct stat st {};
  if (mappable_fd_ < 0 || ::fstat(mappable_fd_, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  auto size = static_cast<size_t>(st.st_size);
  std::optional<MappedText> mapped = MappedText::map(mappable_fd_, size, name_);
  if (mapped) bytes_read_ = size;
  return mapped;
}

size_t Source::read(char* dst, size_t n) {
  size_t got = reader_->read(dst, n);
  bytes_read_ += got;
  return got;
}

LineCol line_col_at(const char* text, uint64_t size, uint64_t offset) {
  LineCol at;
  if (offset > size) offset = size;
  uint64_t line_start = 0;
  for (uint64_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  at.column = offset - line_start + 1;
  return at;
}

}  // namespace trace
