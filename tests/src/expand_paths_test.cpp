#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "src/errors.h"
#include "src/expand_paths.h"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("trace-expand-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path / "sub");
    for (const char* name : {"b.jsonl", "a.json", "c.log.gz", "notes.txt", ".hidden.json", "sub/d.jsonl"})
      std::ofstream(path / name) << "{}\n";
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<std::string> expand(std::vector<std::string> paths) { return trace::expand_input_paths(paths); }

}  // namespace

TEST_CASE("expand-paths: a directory gives its trace files, sorted, not hidden, not in subfolders", "[summary][expand-paths]") {
  TempDir dir;
  std::string d = dir.path.string();
  CHECK(expand({d}) == std::vector<std::string>{d + "/a.json", d + "/b.jsonl", d + "/c.log.gz"});
}

TEST_CASE("expand-paths: a quoted glob is expanded, sorted; files and '-' pass through", "[summary][expand-paths]") {
  TempDir dir;
  std::string d = dir.path.string();
  CHECK(expand({d + "/*.json*", "-", "missing.json"}) ==
        std::vector<std::string>{d + "/a.json", d + "/b.jsonl", "-", "missing.json"});
  CHECK(expand({d + "/*"}) ==
        std::vector<std::string>{d + "/a.json", d + "/b.jsonl", d + "/c.log.gz", d + "/notes.txt"});
}

TEST_CASE("expand-paths: a glob without a match and an empty directory are usage errors", "[summary][expand-paths]") {
  TempDir dir;
  std::string d = dir.path.string();
  fs::create_directories(dir.path / "empty");
  try {
    expand({d + "/*.zzz"});
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) == "'" + d + "/*.zzz': no file matches the pattern");
  }
  try {
    expand({d + "/empty"});
    FAIL("no error");
  } catch (const trace::UsageError& e) {
    CHECK(std::string(e.what()) == d +
                                       "/empty: a directory with no trace or log files (expected names ending in "
                                       ".json, .jsonl, .ndjson or .log, optionally .gz or .zst)");
  }
}
