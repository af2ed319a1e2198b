#include <catch2/catch.hpp>

#include "src/severity.h"

using trace::NumericLevels;
using trace::severity_from_number;
using trace::severity_from_text;
using trace::severity_name;

TEST_CASE("severity: every logger's level names map to OpenTelemetry numbers", "[severity]") {
  CHECK(severity_from_text("trace") == 1);
  CHECK(severity_from_text("debug") == 5);
  CHECK(severity_from_text("info") == 9);
  CHECK(severity_from_text("information") == 9);
  CHECK(severity_from_text("informational") == 9);
  CHECK(severity_from_text("notice") == 9);
  CHECK(severity_from_text("success") == 9);
  CHECK(severity_from_text("warn") == 13);
  CHECK(severity_from_text("warning") == 13);
  CHECK(severity_from_text("error") == 17);
  CHECK(severity_from_text("err") == 17);
  CHECK(severity_from_text("fatal") == 21);
  CHECK(severity_from_text("critical") == 21);
  CHECK(severity_from_text("crit") == 21);
  CHECK(severity_from_text("panic") == 21);
  CHECK(severity_from_text("dpanic") == 21);
  CHECK(severity_from_text("emergency") == 21);
  CHECK(severity_from_text("emerg") == 21);
  CHECK(severity_from_text("alert") == 21);
}

TEST_CASE("severity: level names are case-insensitive", "[severity]") {
  CHECK(severity_from_text("WARNING") == 13);
  CHECK(severity_from_text("Information") == 9);
  CHECK(severity_from_text("ErRoR") == 17);
  CHECK(severity_from_text("SUCCESS") == 9);
}

TEST_CASE("severity: slog offsets move within OpenTelemetry's bands", "[severity]") {
  CHECK(severity_from_text("INFO+2") == 11);
  CHECK(severity_from_text("DEBUG-4") == 1);
  CHECK(severity_from_text("WARN+1") == 14);
  CHECK(severity_from_text("ERROR+4") == 21);
  CHECK(severity_from_text("ERROR+100") == 24);  // clamped
  CHECK(severity_from_text("DEBUG-40") == 1);    // clamped
}

TEST_CASE("severity: unknown level text is 0", "[severity]") {
  CHECK(severity_from_text("") == 0);
  CHECK(severity_from_text("loud") == 0);
  CHECK(severity_from_text("30") == 0);
  CHECK(severity_from_text("info ") == 0);
  CHECK(severity_from_text("INFO+") == 0);
  CHECK(severity_from_text("+2") == 0);
  CHECK(severity_from_text("INFO+x") == 0);
  CHECK(severity_from_text("LOUD+2") == 0);
}

TEST_CASE("severity: pino and bunyan numbers 10..60", "[severity]") {
  CHECK(severity_from_number(10, NumericLevels::kPino) == 1);
  CHECK(severity_from_number(20, NumericLevels::kPino) == 5);
  CHECK(severity_from_number(30, NumericLevels::kPino) == 9);
  CHECK(severity_from_number(40, NumericLevels::kPino) == 13);
  CHECK(severity_from_number(50, NumericLevels::kPino) == 17);
  CHECK(severity_from_number(60, NumericLevels::kPino) == 21);
}

TEST_CASE("severity: Python levelno 10..50", "[severity]") {
  CHECK(severity_from_number(5, NumericLevels::kPython) == 1);  // a custom TRACE
  CHECK(severity_from_number(10, NumericLevels::kPython) == 5);
  CHECK(severity_from_number(20, NumericLevels::kPython) == 9);
  CHECK(severity_from_number(25, NumericLevels::kPython) == 9);  // loguru SUCCESS
  CHECK(severity_from_number(30, NumericLevels::kPython) == 13);
  CHECK(severity_from_number(40, NumericLevels::kPython) == 17);
  CHECK(severity_from_number(50, NumericLevels::kPython) == 21);
}

TEST_CASE("severity: the same number means different things per scheme", "[severity]") {
  CHECK(severity_from_number(30, NumericLevels::kPino) == 9);     // pino info
  CHECK(severity_from_number(30, NumericLevels::kPython) == 13);  // Python warning
  CHECK(severity_from_number(50, NumericLevels::kPino) == 17);    // pino error
  CHECK(severity_from_number(50, NumericLevels::kPython) == 21);  // Python critical
}

TEST_CASE("severity: custom numeric levels land with the level below", "[severity]") {
  CHECK(severity_from_number(35, NumericLevels::kPino) == 9);
  CHECK(severity_from_number(99, NumericLevels::kPino) == 21);
  CHECK(severity_from_number(1, NumericLevels::kPino) == 1);
  CHECK(severity_from_number(0, NumericLevels::kPino) == 0);
  CHECK(severity_from_number(-10, NumericLevels::kPython) == 0);
}

TEST_CASE("severity: names of the bands", "[severity]") {
  CHECK(severity_name(0) == "");
  CHECK(severity_name(1) == "TRACE");
  CHECK(severity_name(4) == "TRACE");
  CHECK(severity_name(5) == "DEBUG");
  CHECK(severity_name(9) == "INFO");
  CHECK(severity_name(11) == "INFO");
  CHECK(severity_name(13) == "WARN");
  CHECK(severity_name(17) == "ERROR");
  CHECK(severity_name(21) == "FATAL");
  CHECK(severity_name(24) == "FATAL");
  CHECK(severity_name(25) == "");
}
