// Input paths as commands that read many files at once (summary, cost) take them:
// directories and quoted globs expanded, in a stable order.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace trace {

// Expands each path in order:
//  - a directory gives the files directly in it (subfolders are not entered: name
//    them, or use a glob such as 'logs/*/*.jsonl'), sorted by name (bytewise), whose
//    names end in .json, .jsonl, .ndjson or .log, optionally followed by .gz or .zst;
//    names starting with '.' are skipped. A directory with no such file is a UsageError.
//  - a path that does not exist and contains *, ? or [ is a glob(3) pattern (as the
//    shell would expand it, for quoted patterns), sorted; folders among the matches are
//    left out; no match is a UsageError.
//  - anything else ("-", files, missing paths) passes through, for the reader to open
//    or report.
std::vector<std::string> expand_input_paths(std::span<const std::string> paths);

}  // namespace trace
