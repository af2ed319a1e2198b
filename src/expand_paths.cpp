#include "src/expand_paths.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "src/errors.h"

namespace trace {

namespace {

namespace fs = std::filesystem;

bool has_trace_extension(std::string_view name) {
  for (std::string_view z : {".gz", ".zst"})
    if (name.ends_with(z)) {
      name.remove_suffix(z.size());
      break;
    }
  for (std::string_view ext : {".json", ".jsonl", ".ndjson", ".log"})
    if (name.ends_with(ext) && name.size() > ext.size()) return true;
  return false;
}

void expand_directory(const std::string& dir, std::vector<std::string>& out) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot read the directory ({})", dir, ec.message()));
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) throw InputError(fmt::format("{}: cannot read the directory ({})", dir, ec.message()));
    std::string name = it->path().filename().string();
    if (!name.starts_with('.') && it->is_regular_file(ec) && has_trace_extension(name))
      found.push_back(it->path().string());
  }
  if (found.empty())
    throw UsageError(fmt::format(
        "{}: a directory with no trace or log files (expected names ending in .json, .jsonl, .ndjson or .log, "
        "optionally .gz or .zst)",
        dir));
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

void expand_glob(const std::string& pattern, std::vector<std::string>& out) {
  glob_t matches{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);
  if (rc == GLOB_NOMATCH) {
    ::globfree(&matches);
    throw UsageError(fmt::format("'{}': no file matches the pattern", pattern));
  }
  if (rc != 0) {
    ::globfree(&matches);
    throw InputError(fmt::format("'{}': cannot expand the pattern", pattern));
  }
  std::vector<std::string> found(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);  // sorted by glob
  ::globfree(&matches);
  for (const std::string& path : found) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) out.push_back(path);
  }
}

}  // namespace

std::vector<std::string> expand_input_paths(std::span<const std::string> paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
      expand_directory(path, out);
    } else if (path != "-" && !fs::exists(path, ec) && path.find_first_of("*?[") != std::string::npos) {
      expand_glob(path, out);
    } else {
      out.push_back(path);
    }
  }
  return out;
}

}  // namespace trace
