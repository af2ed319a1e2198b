#include "src/output/output_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "src/errors.h"
#include "src/output/stdout_writer.h"

namespace trace::output {

namespace {

// The temporary being written, for the signal handler: a run stopped by Ctrl-C leaves
// neither FILE half-written nor FILE.tmp behind. One output file at a time is enough
// (every command writes one). The handler only calls unlink() and re-raises, both
// async-signal-safe.
std::atomic<const char*> pending_temp{nullptr};

extern "C" void remove_pending_temp(int signal_number) {
  if (const char* temp = pending_temp.exchange(nullptr)) ::unlink(temp);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void watch_signals() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction action {};
    if (::sigaction(signal_number, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) continue;
    std::signal(signal_number, remove_pending_temp);
  }
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_ == "-") return;
  // Only a regular file (or a new one) is replaced by renaming: renaming over /dev/null,
  // a FIFO or a symbolic link would replace the device, pipe or link itself. Those are
  // written in place.
  struct stat status {};
  if (::lstat(path_.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) throw InputError(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
    in_place_ = true;
    return;
  }
  temp_ = path_ + ".tmp";
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) throw InputError(fmt::format("{}: cannot write: {}", temp_, std::strerror(errno)));
  watch_signals();
  pending_temp.store(temp_.c_str());
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  file_ = nullptr;
  if (in_place_) return;
  pending_temp.store(nullptr);
  std::remove(temp_.c_str());
}

void OutputFile::write(std::string_view bytes) {
  if (path_.empty() || path_ == "-") {
    write_stdout(bytes);
    return;
  }
  if (file_ == nullptr) throw std::logic_error("OutputFile::write after commit or a failed write");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    int saved = errno;
    discard();
    throw InputError(fmt::format("{}: cannot write: {}", in_place_ ? path_ : temp_, std::strerror(saved)));
  }
}

void OutputFile::commit() {
  if (file_ == nullptr) return;
  if (in_place_) {
    bool ok = std::fflush(file_) == 0;
    int saved = errno;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) throw InputError(fmt::format("{}: cannot write: {}", path_, std::strerror(saved != 0 ? saved : errno)));
    committed_ = true;
    return;
  }
  bool ok = std::fflush(file_) == 0;
  ok = ok && ::fsync(::fileno(file_)) == 0;
  int saved = errno;
  pending_temp.store(nullptr);
  ok = std::fclose(file_) == 0 && ok;
  if (saved == 0) saved = errno;
  file_ = nullptr;
  if (!ok) {
    std::remove(temp_.c_str());
    throw InputError(fmt::format("{}: cannot write: {}", temp_, std::strerror(saved)));
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    saved = errno;
    std::remove(temp_.c_str());
    throw InputError(fmt::format("{}: cannot rename to {}: {}", temp_, path_, std::strerror(saved)));
  }
  committed_ = true;
}

void write_output(const std::string& path, std::string_view bytes) {
  OutputFile file(path);
  file.write(bytes);
  file.commit();
}

}  // namespace trace::output
