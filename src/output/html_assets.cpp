// The report page's style and its one script. The script is allowed to run by its
// SHA-256 in the page's Content-Security-Policy, computed from this very text.
#include "src/output/html_report.h"
#include "src/output/sha256.h"

namespace trace::output {

const std::string_view kReportStyle = R"CSS(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--panel:#f6f8fb;--bar:#4a78c2;--err:#d0312d;--crit:#1d2330;--link:#2458a6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1260px;margin:0 auto;padding:0 16px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.sub{color:var(--muted);margin:0 0 12px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:8px;margin:0 0 12px}
.facts div{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.facts dt{font-size:12px;color:var(--muted)}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.facts .alert dd{color:var(--err)}
nav a{margin-right:14px;color:var(--link);text-decoration:none}
nav a:hover{text-decoration:underline}
.notes{color:var(--muted);font-size:13px;padding-left:18px}
.js-errors{color:#fff;background:var(--err);padding:6px 24px;border-radius:6px}
.empty{color:var(--muted);font-style:italic}
.tablewrap{overflow-x:auto;max-height:640px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
td{max-width:480px;overflow:hidden;text-overflow:ellipsis}
th{background:var(--panel);position:sticky;top:0;cursor:pointer;user-select:none}
th.nosort{cursor:default}
th[aria-sort=ascending]::after{content:" \25B2";font-size:10px}
th[aria-sort=descending]::after{content:" \25BC";font-size:10px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th[data-type=num]{text-align:right}
td.alert{color:var(--err);font-weight:600}
tr.pin td{font-weight:600}
tbody tr:hover{background:#f0f4fa}
td.chart{padding:1px 8px}
svg{display:block;max-width:100%;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
svg.hist{display:inline-block;vertical-align:middle}
.hist rect{fill:var(--bar)}
.hist rect:hover{fill:var(--fg)}
.hist .base{stroke:var(--line)}
details{margin:6px 0;border:1px solid var(--line);border-radius:6px;padding:4px 10px}
summary{cursor:pointer;font-weight:600}
.waterfall .axis line{stroke:#e3e7ee}
.waterfall .axis text{fill:var(--muted);font-size:11px;text-anchor:middle}
.waterfall .bg{fill:transparent}
.waterfall .tip:hover .bg{fill:#eef3fb}
.waterfall .hdr .bg{fill:var(--panel)}
.waterfall .hdr text{font-weight:600}
.waterfall .dur{fill:var(--muted);text-anchor:end;font-size:11px}
.waterfall .bar{fill:var(--bar)}
.waterfall .err .bar{fill:var(--err)}
.waterfall .err .name{fill:var(--err);font-weight:600}
.waterfall .crit .bar{stroke:var(--crit);stroke-width:1.2}
.waterfall .bar.open{fill-opacity:.35;stroke-dasharray:3 2;stroke:var(--bar)}
.waterfall .bar.nostart{fill-opacity:.5}
.waterfall .tip{cursor:pointer}
.flame .fr rect{stroke:#fff;stroke-width:.5}
.flame text{fill:#222;font-size:11px;pointer-events:none}
.flame .root rect{fill:#c9ced8}
.flame .unk rect{fill:#d4d4d4}
.flame .c0 rect{fill:#f2a65a}.flame .c1 rect{fill:#eec35a}.flame .c2 rect{fill:#e8845a}.flame .c3 rect{fill:#f0b87a}
.flame .c4 rect{fill:#e59a6b}.flame .c5 rect{fill:#f3d27a}.flame .c6 rect{fill:#dd7a4f}.flame .c7 rect{fill:#edaa6e}
.flame .err rect{stroke:var(--err);stroke-width:1.5}
.flame .fr{cursor:pointer}
.flame .fr:hover rect{fill-opacity:.75}
#tip{position:fixed;z-index:10;max-width:560px;background:#1d2330;color:#fff;padding:6px 9px;border-radius:5px;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;overflow-wrap:anywhere;pointer-events:none}
pre.sel{background:var(--panel);border:1px solid var(--line);padding:6px 10px;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
pre.sel:empty{display:none}
.legend{color:var(--muted);font-size:12px;margin:2px 0 8px}
figure{margin:4px 0}
footer{color:var(--muted);font-size:12px;padding:24px 16px}
code{font-size:12px;background:var(--panel);padding:1px 4px;border-radius:3px}
)CSS";

// Sorting, hover details, the flame graph's zoom; nothing else. Errors it meets are
// listed in #js-errors, so a headless browser's DOM dump shows them.
const std::string_view kReportScript = R"JS(
(function () {
  'use strict';
  var errors = document.getElementById('js-errors');
  function fail(message) {
    if (!errors) return;
    var li = document.createElement('li');
    li.textContent = String(message);
    errors.appendChild(li);
    errors.hidden = false;
  }
  window.addEventListener('error', function (e) { fail(e.message || e); });
  function each(selector, root, f) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), f); }

  function sortKey(cell, numeric) {
    if (!cell) return numeric ? -Infinity : '';
    if (!numeric) return cell.textContent;
    var v = cell.getAttribute('data-v');
    return v === null ? -Infinity : parseFloat(v);
  }
  function sortTable(table, index, th) {
    var numeric = th.getAttribute('data-type') === 'num';
    var current = th.getAttribute('aria-sort');
    var dir = current ? (current === 'ascending' ? -1 : 1) : (numeric ? -1 : 1);
    each('th', table.tHead, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var body = table.tBodies[0], rows = [], pinned = [];
    Array.prototype.forEach.call(body.rows, function (row) { (row.classList.contains('pin') ? pinned : rows).push(row); });
    var keyed = rows.map(function (row, k) { return { row: row, key: sortKey(row.cells[index], numeric), k: k }; });
    keyed.sort(function (a, b) {
      var c = numeric ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : String(a.key).localeCompare(String(b.key));
      return c * dir || a.k - b.k;
    });
    keyed.forEach(function (e) { body.appendChild(e.row); });
    pinned.forEach(function (row) { body.appendChild(row); });
  }
  each('table.sortable', null, function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (th.classList.contains('nosort')) return;
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortTable(table, index, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, index, th); }
      });
    });
  });

  // Hover details: each <title> moves into a box that follows the pointer (the
  // browser's own tooltip would show it too late and cut short).
  var details = new WeakMap();
  each('.tip', null, function (el) {
    var title = null;
    for (var c = el.firstChild; c; c = c.nextSibling) if (c.nodeName === 'title') { title = c; break; }
    if (!title) return;
    details.set(el, title.textContent);
    el.removeChild(title);
  });
  var tip = document.createElement('div');
  tip.id = 'tip';
  tip.hidden = true;
  document.body.appendChild(tip);
  document.addEventListener('mousemove', function (e) {
    var el = e.target && e.target.closest ? e.target.closest('.tip') : null;
    var text = el ? details.get(el) : undefined;
    if (text === undefined) { tip.hidden = true; return; }
    tip.textContent = text;
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 4) x = Math.max(4, e.clientX - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > window.innerHeight - 4) y = Math.max(4, e.clientY - tip.offsetHeight - 14);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
  document.addEventListener('mouseleave', function () { tip.hidden = true; });

  // A click on a waterfall row keeps its details below the chart, to read and copy.
  each('svg.waterfall', null, function (svg) {
    var panel = svg.parentNode.querySelector('pre.sel');
    svg.addEventListener('click', function (e) {
      var el = e.target.closest('.tip');
      if (el && panel) panel.textContent = details.get(el) || '';
    });
  });

  // Flame graph: a click zooms into a frame (its ancestors span the width); the top
  // bar zooms out.
  function zoom(svg, frame) {
    var o = +frame.getAttribute('data-o'), w = +frame.getAttribute('data-w'), d = +frame.getAttribute('data-d');
    if (!(w > 0)) return;
    var eps = w * 1e-9;
    each('.fr', svg, function (f) {
      var fo = +f.getAttribute('data-o'), fw = +f.getAttribute('data-w'), fd = +f.getAttribute('data-d');
      var above = fd <= d;
      var shown = above ? (fo <= o + eps && fo + fw >= o + w - eps) : (fo >= o - eps && fo + fw <= o + w + eps);
      if (!shown) { f.setAttribute('display', 'none'); return; }
      f.removeAttribute('display');
      f.setAttribute('x', (above ? 0 : (fo - o) / w * 1200).toFixed(1));
      f.setAttribute('width', Math.max(0.5, above ? 1200 : fw / w * 1200).toFixed(1));
    });
  }
  each('svg.flame', null, function (svg) {
    svg.addEventListener('click', function (e) {
      var frame = e.target.closest('.fr');
      if (frame) zoom(svg, frame);
    });
  });
  document.documentElement.setAttribute('data-js', 'ready');
})();
)JS";

std::string report_script_csp_source() {
  std::array<uint8_t, 32> digest = sha256(kReportScript);
  return "'sha256-" + base64(digest.data(), digest.size()) + "'";
}

}  // namespace trace::output
