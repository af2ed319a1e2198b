# Compiles a data file into the binary as a char array, so the program works without
# being installed. Two roles in one file:
#  - included from CMakeLists.txt: defines embed_file(INPUT OUTPUT SYMBOL), which adds a
#    build step regenerating OUTPUT whenever INPUT changes;
#  - run as a script (cmake -P) by that step, with -DINPUT= -DOUTPUT= -DSYMBOL=: writes a
#    .cpp defining `extern const char trace::SYMBOL[]` (NUL-terminated) and
#    `extern const size_t trace::SYMBOL##Size` (without the NUL).
if(CMAKE_SCRIPT_MODE_FILE)
  file(READ "${INPUT}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  file(WRITE "${OUTPUT}.tmp"
    "// Generated from ${INPUT} by cmake/embed_file.cmake; do not edit.\n"
    "#include <cstddef>\n\nnamespace trace {\n\n"
    "extern const char ${SYMBOL}[];\nextern const size_t ${SYMBOL}Size;\n\n"
    "const char ${SYMBOL}[] = {\n${bytes}0x00};\n"
    "const size_t ${SYMBOL}Size = ${size};\n\n}  // namespace trace\n")
  file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
  file(REMOVE "${OUTPUT}.tmp")
  return()
endif()

set(TRACE_EMBED_FILE_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(embed_file input output symbol)
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" "-DINPUT=${input}" "-DOUTPUT=${output}" "-DSYMBOL=${symbol}"
            -P "${TRACE_EMBED_FILE_SCRIPT}"
    DEPENDS "${input}" "${TRACE_EMBED_FILE_SCRIPT}"
    COMMENT "Embedding ${input}"
    VERBATIM)
endfunction()
