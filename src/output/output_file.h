// Results written to a named file go through a temporary beside it (FILE.tmp), renamed
// over FILE only once everything was written and synced: a run that fails, is killed
// by SIGINT/SIGTERM or runs out of disk never leaves a half file under the name asked
// for, and a previous complete FILE stays until the new one replaces it. A FILE that
// exists and is not a regular file (/dev/null, a FIFO, /dev/stdout, a symbolic link) is
// written in place: renaming over it would replace the device, pipe or link.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace trace::output {

class OutputFile {
 public:
  // "" or "-" means standard output: writes go straight through write_stdout
  // (stdout_writer.h) and commit() does nothing. Otherwise opens FILE.tmp; throws
  // InputError naming it when it cannot.
  explicit OutputFile(std::string path);
  ~OutputFile();  // without commit(): closes and removes the temporary
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Throws InputError naming the temporary on a write error (disk full), BrokenPipe on
  // a closed standard output.
  void write(std::string_view bytes);
  // Flushes, syncs and renames the temporary over FILE. Throws InputError on failure
  // (and removes the temporary).
  void commit();

  bool is_stdout() const { return path_.empty() || path_ == "-"; }
  const std::string& path() const { return path_; }

 private:
  void discard();

  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
  bool in_place_ = false;  // not a regular file: written directly
  bool committed_ = false;
};

// The whole of `bytes` to `path` (or stdout for "" / "-") through OutputFile.
void write_output(const std::string& path, std::string_view bytes);

}  // namespace trace::output
