#!/usr/bin/env bash
# trace report in a real browser: headless Chromium loads pages that the built trace
# wrote from samples/, and the DOM it ends with is checked (--dump-dom): the page's
# script ran under the page's Content-Security-Policy, no console message (no script
# error, no blocked resource), the tables, bars and frames expected, nothing from the
# hostile sample turned into an element, and, on a copy with a test script added,
# sorting, hover details, click-to-keep and the flame graph's zoom.
#
#   tests/browser/report_dom_test.sh TRACE_BINARY SOURCE_DIR
#
# Exit 0: passed; 1: failed; 77: no Chromium (ctest's SKIP_RETURN_CODE), except under
# CI=true, where a missing Chromium fails (setup.sh test installs it).
set -uo pipefail

trace_bin=${1:?usage: report_dom_test.sh TRACE_BINARY SOURCE_DIR}
source_dir=${2:?usage: report_dom_test.sh TRACE_BINARY SOURCE_DIR}

chromium=""
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then chromium=$(command -v "$name"); break; fi
done
if [[ -z $chromium ]]; then
  if [[ ${CI:-} == true ]]; then
    echo "FAIL: no chromium found (setup.sh test installs the Debian package 'chromium')" >&2
    exit 1
  fi
  echo "SKIP: no chromium found" >&2
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# dump PAGE: loads PAGE, writes PAGE.dom (the DOM after scripts ran) and PAGE.log.
dump() {
  local page=$1
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --dump-dom "file://$page" \
    >"$page.dom" 2>"$page.log"
  local rc=$?
  if ((rc != 0)); then
    fail "chromium exited $rc on $page"
    sed -n '1,20p' "$page.log" >&2
  fi
}

count() {  # count PATTERN FILE: occurrences of a fixed string
  grep -o -F -- "$1" "$2" | wc -l
}

expect_count() {  # expect_count WHAT EXPECTED PATTERN FILE
  local got
  got=$(count "$3" "$4")
  [[ $got == "$2" ]] || fail "$1: expected $2, got $got"
}

# The checks every page passes: the script ran (it marks <html data-js="ready">), it
# reported no error into #js-errors, and the browser logged no console message (a
# script error, or a resource or script the CSP blocked, would be one).
check_clean() {
  local page=$1
  grep -q '<html lang="en" data-js="ready">' "$page.dom" || fail "$page: the page's script did not run"
  grep -q '<ul id="js-errors" class="js-errors" hidden=""></ul>' "$page.dom" || fail "$page: #js-errors is not empty"
  if grep -q 'CONSOLE' "$page.log"; then
    fail "$page: console messages"
    grep 'CONSOLE' "$page.log" >&2
  fi
  expect_count "$page: script elements" 5 '<script' "$page.dom"
}

report() {  # report NAME ARGS...: writes $work/NAME.html
  local name=$1
  shift
  (cd "$source_dir" && "$trace_bin" report "$@" -o "$work/$name.html") || fail "trace report $* exited $?"
}

# 1. An OTLP trace: 10 span names, 3 traces (11, 10, 4 spans), a flame graph.
report otlp samples/otlp_traces.json
dump "$work/otlp.html"
check_clean "$work/otlp.html"
latency=$(sed -n 's/.*<section id="latency">\(.*\)<\/section>.*/\1/p' "$work/otlp.html.dom" | sed 's/<\/section>.*//')
echo "$latency" >"$work/latency.txt"
expect_count "latency rows" 11 '<tr>' "$work/latency.txt"
expect_count "histograms" 10 '<svg class="hist"' "$work/otlp.html.dom"
expect_count "waterfalls" 3 '<svg class="waterfall"' "$work/otlp.html.dom"
expect_count "bars (11 + 10 + 4 spans)" 25 '<rect class="bar' "$work/otlp.html.dom"
expect_count "error bars (1 + 2 + 0)" 3 '<g class="tip span err' "$work/otlp.html.dom"
expect_count "flame frames with the top bar" 10 '<svg class="tip fr ' "$work/otlp.html.dom"
grep -q 'data-frames="9"' "$work/otlp.html.dom" || fail "otlp: the flame graph should have 9 frames"
# The script moved every tooltip into its own store: no <title> is left in the charts.
expect_count "titles left in charts" 0 '<title>' <(sed -n '/<main>/,/<\/main>/p' "$work/otlp.html.dom")

# 2. The hostile sample: nothing from it became an element or an attribute.
report hostile samples/hostile.json
dump "$work/hostile.html"
check_clean "$work/hostile.html"
for tag in '<img' '<iframe' '<marquee' '<textarea' '<b>' '<svg onload' '<style>*' '<a href="https' '<![CDATA['; do
  expect_count "hostile: $tag elements" 0 "$tag" "$work/hostile.html.dom"
done
expect_count "hostile: escaped span name in the latency and span name tables" 2 \
  '<td>crawl &lt;img src=x onerror=alert(1)&gt;</td><td class="num" data-v="1">1</td>' "$work/hostile.html.dom"
grep -q '<title>trace report: samples/hostile.json</title>' "$work/hostile.html.dom" || fail "hostile: page title"

# 3. Logs only, and logs with spans.
report logs samples/otlp_logs.json
dump "$work/logs.html"
check_clean "$work/logs.html"
grep -q 'No spans with a duration in the input.' "$work/logs.html.dom" || fail "logs: the empty latency section"
report both --traces 3 samples/app_logs.jsonl samples/otlp_traces.jsonl
dump "$work/both.html"
check_clean "$work/both.html"
expect_count "both: waterfalls" 3 '<svg class="waterfall"' "$work/both.html.dom"

# 4. Behaviour: the otlp page with a test script (and without its CSP, which would
# block the test script) records what clicks and pointer moves did.
cat >"$work/harness.js" <<'JS'
(function () {
  var out = [];
  function check(name, ok) { out.push((ok ? 'PASS ' : 'FAIL ') + name); }
  function click(el) { el.dispatchEvent(new MouseEvent('click', { bubbles: true })); }
  function column(table, index) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[index]; });
  }
  function sorted(values, dir) {
    for (var i = 1; i < values.length; i++) if ((values[i] - values[i - 1]) * dir < 0) return false;
    return true;
  }
  var table = document.querySelector('#latency table');
  var heads = table.tHead.rows[0].cells, p99 = -1, name = -1;
  for (var i = 0; i < heads.length; i++) {
    if (heads[i].textContent === 'p99') p99 = i;
    if (heads[i].textContent === 'name') name = i;
  }
  click(heads[p99]);
  var v = column(table, p99).map(function (c) { return parseFloat(c.getAttribute('data-v')); });
  check('p99 sorts descending first', sorted(v, -1) && heads[p99].getAttribute('aria-sort') === 'descending');
  click(heads[p99]);
  v = column(table, p99).map(function (c) { return parseFloat(c.getAttribute('data-v')); });
  check('p99 sorts ascending on a second click', sorted(v, 1) && heads[p99].getAttribute('aria-sort') === 'ascending');
  click(heads[name]);
  var names = column(table, name).map(function (c) { return c.textContent; });
  var copy = names.slice().sort(function (a, b) { return a.localeCompare(b); });
  check('name sorts as text', names.join('|') === copy.join('|') && heads[p99].getAttribute('aria-sort') === null);

  var bar = document.querySelector('svg.waterfall .tip .bar');
  bar.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 200, clientY: 200 }));
  var tip = document.getElementById('tip');
  check('hovering a bar shows its details', !tip.hidden && tip.textContent.indexOf('duration: ') > 0 &&
        tip.textContent.indexOf('span_id: ') > 0);
  document.querySelector('h1').dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 5, clientY: 5 }));
  check('moving off hides them', tip.hidden);
  click(bar);
  var kept = document.querySelector('pre.sel');
  check('a click keeps them below the chart', kept.textContent === tip.textContent || kept.textContent.indexOf('duration: ') > 0);

  var flame = document.querySelector('svg.flame');
  var frames = flame.querySelectorAll('.fr[data-d="1"]');
  var target = frames[frames.length - 1];
  var before = target.getAttribute('width');
  click(target);
  check('a click zooms a frame to the full width', target.getAttribute('width') === '1200.0' && before !== '1200.0');
  var hidden = flame.querySelectorAll('.fr[display="none"]').length;
  check('frames outside it are hidden', hidden > 0);
  click(flame.querySelector('.fr.root'));
  check('the top bar zooms out', target.getAttribute('width') === before &&
        flame.querySelectorAll('.fr[display="none"]').length === 0);
  var pre = document.createElement('pre');
  pre.id = 'test-results';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
})();
JS
{ printf '<script>'; cat "$work/harness.js"; printf '</script>\n'; } >"$work/harness.html"
# After the page's own script, just before </body>.
awk -v harness="$work/harness.html" '/^<\/body>$/ { while ((getline line < harness) > 0) print line } { print }' \
  "$work/otlp.html" | sed '/Content-Security-Policy/d' >"$work/behaviour.html"
dump "$work/behaviour.html"
results=$(sed -n '/<pre id="test-results">/,/<\/pre>/p' "$work/behaviour.html.dom")
passes=$(grep -o 'PASS' <<<"$results" | wc -l)
if [[ $passes != 9 ]] || grep -q 'FAIL' <<<"$results"; then
  fail "behaviour: $passes of 9 checks passed"
  echo "$results" >&2
fi
if grep -q 'CONSOLE' "$work/behaviour.html.log"; then
  fail "behaviour: console messages"
  grep 'CONSOLE' "$work/behaviour.html.log" >&2
fi

if ((failures > 0)); then
  echo "report_dom_test: $failures failure(s)" >&2
  exit 1
fi
echo "report_dom_test: all checks passed"
