#include "src/mapped_text.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <utility>

#include "src/exit_codes.h"
#include "src/padded_buffer.h"

namespace trace {

namespace {

// The message the fault handler writes; one file is mapped at a time.
char fault_message[512];
size_t fault_message_size = 0;

void on_bus_error(int) {
  // Only async-signal-safe calls here.
  ssize_t written = ::write(STDERR_FILENO, fault_message, fault_message_size);
  (void)written;
  ::_exit(kExitError);
}

void set_fault_message(const std::string& name) {
  std::string message = "trace: error: " + name + ": the file shrank while it was read\n";
  fault_message_size = std::min(message.size(), sizeof fault_message);
  std::memcpy(fault_message, message.data(), fault_message_size);
  static bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_bus_error;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGBUS, &action, nullptr) == 0;
  }();
  (void)installed;
}

}  // namespace

std::optional<MappedText> MappedText::map(int fd, size_t size, const std::string& name) {
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t mapped = (size + kJsonPadding + page - 1) / page * page;
  // Zero pages first, the file over their start: the padding is there whatever the
  // file's size, even a multiple of the page size.
  void* base = ::mmap(nullptr, mapped, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return std::nullopt;
  if (size > 0 && ::mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    ::munmap(base, mapped);
    return std::nullopt;
  }
  set_fault_message(name);
  return MappedText(static_cast<char*>(base), size, mapped);
}

void MappedText::release(const char* begin, size_t size) const {
  static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t from = reinterpret_cast<uintptr_t>(begin) / page * page;
  uintptr_t to = (reinterpret_cast<uintptr_t>(begin) + size) / page * page;
  if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

MappedText::MappedText(MappedText&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(other.size_), mapped_(other.mapped_) {}

MappedText::~MappedText() {
  if (data_ != nullptr) ::munmap(data_, mapped_);
}

}  // namespace trace
