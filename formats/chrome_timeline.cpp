#include "formats/chrome_timeline.h"

#include <algorithm>
#include <utility>

#include "src/errors.h"

namespace trace::formats {

namespace {

// A slice contains another that starts before it ends and ends no later. A slice that
// starts exactly where a slice ends follows it, so zero-length slices contain nothing.
bool contains(const ChromeItem& parent, const ChromeItem& child) {
  return child.start_ns < parent.end_ns && child.end_ns <= parent.end_ns;
}

}  // namespace

void ChromeTimeline::clear() {
  segments_.assign(1, Segment{});
  threads_.clear();
  tracks_.clear();
  processes_.clear();
  process_numbers_.clear();
  last_thread_ = kNoChromeItem;
  boundary_.clear();
}

uint32_t ChromeTimeline::thread_index(std::string_view pid, std::string_view tid) {
  // Events of one thread usually come in runs.
  if (last_thread_ < threads_.size() && tracks_.tid(last_thread_) == tid && tracks_.pid(last_thread_) == pid)
    return last_thread_;
  last_thread_ = tracks_.find_or_add(pid, tid);
  if (last_thread_ == threads_.size()) {
    uint32_t process = process_number(pid);
    threads_.emplace_back().process = process;
  }
  return last_thread_;
}

void ChromeTimeline::add(ChromeItem item) {
  if (item.kind == ChromeItemKind::kBeginEnd) {
    std::vector<uint32_t>& open = threads_[item.thread].open;
    auto index = static_cast<uint32_t>(size());
    item.open_parent = open.empty() ? kNoChromeItem : open.back();
    if (open.empty() && mid_array_) boundary_.push_back({item.thread, index, {}});
    open.push_back(index);
  }
  segments_.back().items.push_back(item);
}

void ChromeTimeline::close(uint32_t thread, const ChromeEnd& end) {
  std::vector<uint32_t>& open = threads_[thread].open;
  if (open.empty()) {
    // Its B came before the recording started, or, mid-array, maybe before the run did.
    if (mid_array_) boundary_.push_back({thread, kNoChromeItem, end});
    return;
  }
  close_item(open.back(), end);
  open.pop_back();
}

void ChromeTimeline::close_item(uint32_t item, const ChromeEnd& end) {
  ChromeItem& begin = this->item(item);
  begin.end_ns = std::max(end.ts_ns, begin.start_ns);
  begin.end_offset = end.offset;
  begin.end_length = end.length;
}

void ChromeTimeline::name_thread(uint32_t thread, std::string_view name) {
  threads_[thread].name = std::string(name);
  threads_[thread].named = true;
}

uint32_t ChromeTimeline::process_number(std::string_view pid) {
  auto [it, added] = process_numbers_.try_emplace(std::string(pid), static_cast<uint32_t>(processes_.size()));
  if (added) processes_.push_back(ChromeProcess{std::string(pid), {}, {}, {}});
  return it->second;
}

void ChromeTimeline::name_process(std::string_view pid, std::string_view name) {
  processes_[process_number(pid)].name = std::string(name);
}

void ChromeTimeline::append(ChromeTimeline&& later, uint64_t events_before, uint64_t line_before) {
  auto base = static_cast<uint32_t>(size());
  if (later.size() >= kNoChromeItem - base)
    throw DocumentError(later[kNoChromeItem - base].offset, "too many events (over 4 billion spans)");
  // Threads new to this timeline are numbered in the order the run first saw them, as
  // one pass would have.
  std::vector<uint32_t> threads(later.threads_.size());
  for (uint32_t t = 0; t < threads.size(); ++t) threads[t] = thread_index(later.tracks_.pid(t), later.tracks_.tid(t));

  for (Segment& segment : later.segments_) {
    for (ChromeItem& item : segment.items) {
      item.thread = threads[item.thread];
      item.index += events_before;
      item.line = line_before == 0 ? 0 : line_before + item.line;
      if (item.open_parent != kNoChromeItem) item.open_parent += base;
    }
    segment.first += base;
    segments_.push_back(std::move(segment));
  }

  for (const Boundary& at : later.boundary_) {
    uint32_t thread = threads[at.thread];
    std::vector<uint32_t>& open = threads_[thread].open;
    if (at.item == kNoChromeItem) {
      close(thread, at.end);
    } else {
      uint32_t item = base + at.item;
      this->item(item).open_parent = open.empty() ? kNoChromeItem : open.back();
      if (open.empty() && mid_array_) boundary_.push_back({thread, item, {}});
    }
  }
  for (size_t t = 0; t < threads.size(); ++t) {
    ChromeThread& from = later.threads_[t];
    ChromeThread& into = threads_[threads[t]];
    for (uint32_t item : from.open) into.open.push_back(base + item);
    if (from.named) {
      into.name = std::move(from.name);
      into.named = true;
    }
  }
  for (ChromeProcess& process : later.processes_)
    if (process.name) processes_[process_number(process.pid)].name = std::move(process.name);
  later.clear();
}

void ChromeTimeline::finish() {
  for (ChromeThread& thread : threads_)
    for (uint32_t open : thread.open) item(open).duration_unknown = true;
  for (ChromeProcess& process : processes_) {
    process.service = process.name ? *process.name : "pid " + process.pid;
    process.trace_id = "pid:" + process.pid;
  }
}

void ChromeTimeline::nest(std::span<const uint32_t> order) {
  std::vector<uint32_t> stack;  // the slices open on the thread, innermost last
  uint32_t thread = kNoChromeItem;
  for (uint32_t i : order) {
    ChromeItem& item = this->item(i);
    if (item.thread != thread) {
      stack.clear();
      thread = item.thread;
    }
    if (item.kind == ChromeItemKind::kCounter || item.unscoped) continue;
    while (!stack.empty() && stack.back() != item.open_parent && !contains(this->item(stack.back()), item))
      stack.pop_back();
    item.parent = stack.empty() ? kNoChromeItem : stack.back();
    if (item.kind != ChromeItemKind::kInstant) stack.push_back(i);
  }
}

}  // namespace trace::formats
