#include "analyzers/latency_stats_state.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

// DurationSketch bins of 1 ns to INT64_MAX ns lie in [0, 2200]; a partial's bins must too.
constexpr int64_t kMaxSketchBin = 4096;

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<int64_t>::max();
  return sum;
}

// group_by texts are GroupKeyPart::column_key()s: name, service, model, attr.KEY.
GroupKeySpec spec_of(const PartialHeader& header) {
  GroupKeySpec spec;
  for (const std::string& text : option_strings(header, "group_by")) {
    if (text == "name") spec.parts.push_back({GroupKeyKind::kName, {}});
    else if (text == "service") spec.parts.push_back({GroupKeyKind::kService, {}});
    else if (text == "model") spec.parts.push_back({GroupKeyKind::kModel, {}});
    else if (text.starts_with("attr.") && text.size() > 5) spec.parts.push_back({GroupKeyKind::kAttr, text.substr(5)});
    else throw InputError(fmt::format("{}: option \"group_by\": unknown key '{}'", header.label, text));
  }
  if (spec.parts.empty()) throw InputError(fmt::format("{}: option \"group_by\" is empty", header.label));
  return spec;
}

}  // namespace

std::string LatencyStatsState::partial(LatencyStats& stats, bool approx, const formats::ReadReport& read,
                                       std::string_view writer) {
  PartialHeader header;
  header.writer = writer;
  header.command = "stats";
  std::vector<std::string> group_by;
  for (const GroupKeyPart& part : stats.key_builder_.spec().parts) group_by.push_back(part.column_key());
  header.options = {{"group_by", option_json(group_by)}, {"approx", option_json(approx)}};
  header.inputs = read.files;
  std::string out;
  begin_partial(header, out);
  write(stats, out);
  end_partial(out);
  return out;
}

void LatencyStatsState::write(LatencyStats& stats, std::string& out) {
  const size_t parts = stats.key_builder_.spec().parts.size();
  out += "{\"approximate\":";
  out += stats.approximate_ ? "true" : "false";
  out += ",\"capped\":";
  out += stats.capped_ ? "true" : "false";
  append_field("incomplete", stats.incomplete_, out);
  append_field("instant", stats.instant_, out);
  append_field("without_duration", stats.without_duration_, out);
  out += ",\"groups\":[";
  // In key order, so that equal states write equal bytes whatever the hash order.
  std::vector<std::pair<const std::string, LatencyStats::Group>*> groups;
  groups.reserve(stats.groups_.size());
  for (auto& entry : stats.groups_) groups.push_back(&entry);
  std::sort(groups.begin(), groups.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  bool first = true;
  for (auto* entry : groups) {
    LatencyStats::Group& g = entry->second;
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    append_group_key(entry->first, parts, out);
    append_field("count", g.count, out);
    append_field("errors", g.errors, out);
    out += ",\"min\":";
    append_int(g.min, out);
    out += ",\"max\":";
    append_int(g.max, out);
    out += ",\"total\":";
    append_int(g.total, out);
    if (stats.approximate_) {
      const DurationSketch& s = g.sketch;
      out += ",\"sketch\":{\"zeros\":";
      append_uint(s.zeros_, out);
      out += ",\"first_bin\":";
      append_int(s.first_bin_, out);
      out += ",\"bins\":[";
      for (size_t k = 0; k < s.bins_.size(); ++k) {
        if (k > 0) out += ',';
        append_uint(s.bins_[k], out);
      }
      out += "]}}";
    } else {
      std::sort(g.durations.begin(), g.durations.end());
      out += ",\"durations\":[";
      int64_t previous = 0;
      for (size_t k = 0; k < g.durations.size(); ++k) {
        if (k > 0) out += ',';
        append_int(g.durations[k] - previous, out);
        previous = g.durations[k];
      }
      out += "]}";
    }
  }
  out += "]}";
}

void LatencyStatsState::read(PartialCursor& cursor, od::object state, LatencyStats& into) {
  const size_t parts = into.key_builder_.spec().parts.size();
  auto over_budget = [&into] { return into.budget_ && into.budget_->kept.load() > into.budget_->limit_values; };
  if (over_budget()) into.switch_to_sketches();
  std::string key;
  for (auto member : state) {
    od::field field;
    if (auto error = std::move(member).get(field)) cursor.fail("malformed \"state\"", error);
    std::string_view name = cursor.key_of(field);
    od::value value = field.value();
    if (name == "approximate") {
      if (cursor.boolean(value, name)) into.switch_to_sketches();
    } else if (name == "capped") {
      into.capped_ = into.capped_ || cursor.boolean(value, name);
    } else if (name == "incomplete") {
      into.incomplete_ += cursor.count(value, name);
    } else if (name == "instant") {
      into.instant_ += cursor.count(value, name);
    } else if (name == "without_duration") {
      into.without_duration_ += cursor.count(value, name);
    } else if (name == "groups") {
      for (auto element : cursor.array(value, name)) {
        od::value item;
        if (auto error = element.get(item)) cursor.fail("malformed \"groups\"", error);
        const char* group_at = cursor.location_of(item);
        LatencyStats::Group g;
        bool has_key = false, has_durations = false, has_sketch = false;
        int64_t sum = 0;
        for (auto group_member : cursor.object(item, "groups")) {
          od::field gf;
          if (auto error = std::move(group_member).get(gf)) cursor.fail("malformed group", error);
          std::string_view gk = cursor.key_of(gf);
          od::value gv = gf.value();
          if (gk == "key") {
            cursor.group_key(gv, parts, key);
            has_key = true;
          } else if (gk == "count") {
            g.count = cursor.count(gv, gk);
          } else if (gk == "errors") {
            g.errors = cursor.count(gv, gk);
          } else if (gk == "min") {
            g.min = cursor.integer(gv, gk);
          } else if (gk == "max") {
            g.max = cursor.integer(gv, gk);
          } else if (gk == "total") {
            g.total = cursor.integer(gv, gk);
          } else if (gk == "durations") {
            has_durations = true;
            int64_t previous = 0;
            for (auto d : cursor.array(gv, gk)) {
              od::value dv;
              if (auto error = d.get(dv)) cursor.fail("malformed \"durations\"", error);
              const char* at = cursor.location_of(dv);
              int64_t delta = cursor.integer(dv, gk);
              int64_t duration = 0;
              if (delta < 0 || __builtin_add_overflow(previous, delta, &duration))
                cursor.fail_at(at, "expected durations sorted and delta-encoded (each a difference of 0 or more)");
              previous = duration;
              sum = saturating_add(sum, duration);
              if (into.approximate_) g.sketch.add(duration);
              else g.durations.push_back(duration);
            }
          } else if (gk == "sketch") {
            has_sketch = true;
            uint64_t zeros = 0;
            int64_t first_bin = 0;
            std::vector<uint64_t> bins;
            for (auto sketch_member : cursor.object(gv, gk)) {
              od::field sf;
              if (auto error = std::move(sketch_member).get(sf)) cursor.fail("malformed \"sketch\"", error);
              std::string_view sk = cursor.key_of(sf);
              od::value sv = sf.value();
              if (sk == "zeros") {
                zeros = cursor.count(sv, sk);
              } else if (sk == "first_bin") {
                const char* at = cursor.location_of(sv);
                first_bin = cursor.integer(sv, sk);
                if (first_bin < 0 || first_bin > kMaxSketchBin) cursor.fail_at(at, "sketch bin out of range");
              } else if (sk == "bins") {
                for (auto b : cursor.array(sv, sk)) {
                  od::value bv;
                  if (auto error = b.get(bv)) cursor.fail("malformed \"bins\"", error);
                  bins.push_back(cursor.count(bv, sk));
                }
              } else {
                cursor.unknown_key(sk, "a sketch");
              }
            }
            if (first_bin + static_cast<int64_t>(bins.size()) > kMaxSketchBin)
              cursor.fail_at(group_at, "sketch bin out of range");
            DurationSketch& s = g.sketch;
            s.zeros_ = zeros;
            s.count_ = zeros;
            for (uint64_t n : bins) s.count_ += n;
            if (!bins.empty()) {
              s.first_bin_ = static_cast<int32_t>(first_bin);
              s.bins_ = std::move(bins);
            }
          } else {
            cursor.unknown_key(gk, "a group");
          }
        }
        if (!has_key) cursor.fail_at(group_at, "expected a \"key\" in each group");
        if (has_durations == has_sketch)
          cursor.fail_at(group_at, "expected either \"durations\" or \"sketch\" in each group");
        if (g.count == 0 || g.errors > g.count || g.min > g.max)
          cursor.fail_at(group_at, "group counts do not add up (count, errors, min, max)");
        if (has_durations) {
          uint64_t n = into.approximate_ ? g.sketch.count() : g.durations.size();
          bool consistent = n == g.count && sum == g.total;
          if (consistent && !into.approximate_) consistent = g.durations.front() == g.min && g.durations.back() == g.max;
          if (!consistent) cursor.fail_at(group_at, "group's durations do not match its count, min, max or total");
        } else if (g.sketch.count() != g.count) {
          cursor.fail_at(group_at, "group's sketch does not match its count");
        }
        if (has_sketch && !into.approximate_) into.switch_to_sketches();
        if (has_durations && into.approximate_ && !g.durations.empty()) {
          g.sketch.add(g.durations);
          std::vector<int64_t>().swap(g.durations);
        }
        size_t kept = g.durations.size();
        if (!into.groups_.emplace(key, std::move(g)).second)
          cursor.fail_at(group_at, "this group key appears twice");
        if (into.budget_ && kept > 0) {
          into.unpublished_ += kept;
          into.publish_kept();
        }
      }
    } else {
      cursor.unknown_key(name, "\"state\"");
    }
  }
}

LatencyStatsPartials::LatencyStatsPartials(const PartialHeader& first, uint64_t exact_memory, size_t max_groups)
    : spec_(spec_of(first)),
      budget_(std::make_shared<ExactBudget>(exact_memory, option_bool(first, "approx"))),
      max_groups_(max_groups),
      stats_(spec_, budget_, max_groups) {
  check_option_keys(first, {"group_by", "approx"});
}

void LatencyStatsPartials::add(PartialCursor& cursor, od::object state) {
  // Each partial arrives whole, then merges as a worker's result would.
  LatencyStats part(spec_, budget_, max_groups_);
  LatencyStatsState::read(cursor, state, part);
  stats_.merge(part);
}

}  // namespace trace
