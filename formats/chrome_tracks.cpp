#include "formats/chrome_tracks.h"

#include <cstring>
#include <functional>

namespace trace::formats {

std::string_view ChromeTracks::key(uint32_t track) const {
  uint64_t begin = key_begins_[track];
  uint64_t end = track + 1 < key_begins_.size() ? key_begins_[track + 1] : keys_.size();
  return std::string_view(keys_).substr(begin, end - begin);
}

std::string_view ChromeTracks::pid(uint32_t track) const {
  std::string_view key = this->key(track);
  uint64_t pid_size = 0;
  std::memcpy(&pid_size, key.data(), sizeof pid_size);
  return key.substr(sizeof pid_size, pid_size);
}

std::string_view ChromeTracks::tid(uint32_t track) const {
  std::string_view key = this->key(track);
  uint64_t pid_size = 0;
  std::memcpy(&pid_size, key.data(), sizeof pid_size);
  return key.substr(sizeof pid_size + pid_size);
}

void ChromeTracks::clear() {
  slots_.clear();
  keys_.clear();
  key_begins_.clear();
}

void ChromeTracks::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.track == kEmpty) continue;
    size_t at = slot.hash & mask;
    while (slots_[at].track != kEmpty) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

uint32_t ChromeTracks::find_or_add(std::string_view pid, std::string_view tid) {
  // The pid's length first: an unescaped pid or tid may hold any byte, even a NUL, so
  // no separator could tell ("a", "bc") from ("ab", "c").
  uint64_t pid_size = pid.size();
  probe_.assign(reinterpret_cast<const char*>(&pid_size), sizeof pid_size);
  probe_.append(pid);
  probe_.append(tid);
  if ((key_begins_.size() + 1) * 2 > slots_.size()) grow();
  uint64_t hash = std::hash<std::string_view>{}(probe_);
  size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    Slot& slot = slots_[at];
    if (slot.track == kEmpty) {
      slot = {hash, static_cast<uint32_t>(key_begins_.size())};
      key_begins_.push_back(keys_.size());
      keys_ += probe_;
      return slot.track;
    }
    if (slot.hash == hash && key(slot.track) == probe_) return slot.track;
  }
}

}  // namespace trace::formats
