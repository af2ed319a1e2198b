// Numbers the tracks of a Chrome trace (a pid and a tid, or a pid and an async track) in
// the order they are first seen. A trace may hold hundreds of thousands of them (every
// async id is a track of its own; trace convert gives each trace a tid), and a node-based
// hash map spent a division per probe and a cache miss per node: this is one flat,
// power-of-two table of hashes and numbers, with the keys end to end in one string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trace::formats {

class ChromeTracks {
 public:
  // The number of the track (pid, tid): the next free one when it is new.
  uint32_t find_or_add(std::string_view pid, std::string_view tid);

  // The track's pid and tid: valid until the next find_or_add().
  std::string_view pid(uint32_t track) const;
  std::string_view tid(uint32_t track) const;

  size_t size() const { return key_begins_.size(); }
  void clear();

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t track = kEmpty;
  };
  static constexpr uint32_t kEmpty = UINT32_MAX;

  std::string_view key(uint32_t track) const;
  void grow();

  std::vector<Slot> slots_;            // size a power of two, at most half full
  std::string keys_;                   // pid size, pid and tid of every track, end to end
  std::vector<uint64_t> key_begins_;   // where each track's key starts in keys_
  std::string probe_;                  // the key being looked up
};

}  // namespace trace::formats
