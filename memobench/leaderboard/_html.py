"""One static, self-contained HTML page: no network, inline CSS, JS and SVG."""

from __future__ import annotations

from html import escape

from ._columns import Cell, TaskView, pct, row_flags, task_order, task_view
from ._front_svg import front_section
from ._pareto import front_plots
from ._schema import Leaderboard

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:17px;margin-top:28px}.meta{color:#666;font-size:12px}
table{border-collapse:collapse;margin:8px 0 4px}th,td{padding:4px 8px;border-bottom:1px solid #ddd}
th{background:#f4f4f6;cursor:pointer;user-select:none;white-space:nowrap;text-align:left}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;white-space:nowrap}td svg{vertical-align:middle;margin-left:4px}
tr.smoke td{background:#fff8e1}.badge{font-size:11px;padding:1px 5px;border-radius:3px;
white-space:nowrap;margin-left:4px}.smoke .badge.smoke,.badge.smoke{background:#f9a825;color:#000}
.badge.flag{background:#e3e7f3;color:#234}.banner{background:#fff3cd;border:1px solid #f9a825;
padding:8px;margin:8px 0}.pos{color:#1b5e20}.neg{color:#b71c1c}
.fronts{display:flex;flex-wrap:wrap;gap:12px}figure.front{margin:0}
figcaption{font-size:12px;color:#444;max-width:440px}
"""

_JS = """
function cellValue(row, key) {
  const td = row.querySelector('td[data-key="' + key + '"]');
  const v = td ? td.dataset.sort : '';
  return v === '' || v === undefined ? null : (isNaN(Number(v)) ? v : Number(v));
}
function sortTable(table, key, dir) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const sign = dir === 'asc' ? 1 : -1;
  rows.sort(function (a, b) {
    const x = cellValue(a, key), y = cellValue(b, key);
    if (x === null || y === null) return (x === null) - (y === null);  // blanks last
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
  rows.forEach(function (r) { body.appendChild(r); });
  table.querySelectorAll('th').forEach(function (th) {
    const state = dir === 'asc' ? 'ascending' : 'descending';
    th.setAttribute('aria-sort', th.dataset.key === key ? state : 'none');
  });
  table.dataset.sortKey = key;
  table.dataset.sortDir = dir;
}
document.querySelectorAll('table.board th').forEach(function (th) {
  th.addEventListener('click', function () {
    const table = th.closest('table');
    const again = table.dataset.sortKey === th.dataset.key;
    const dir = again ? (table.dataset.sortDir === 'asc' ? 'desc' : 'asc') : th.dataset.dir;
    sortTable(table, th.dataset.key, dir);
  });
});
// Test and link hooks: ?sort=KEY[&dir=asc|desc] sorts, ?click=KEY clicks that header.
(function () {
  const q = new URLSearchParams(location.search);
  document.querySelectorAll('table.board').forEach(function (table) {
    if (q.get('sort')) sortTable(table, q.get('sort'), q.get('dir') || 'desc');
    const th = q.get('click') && table.querySelector('th[data-key="' + q.get('click') + '"]');
    if (th) th.click();
  });
  document.body.dataset.ready = '1';
})();
"""

_BAR_W = 90


def _svg_bar(cell: Cell, *, whiskers: bool) -> str:
    """A 0–1 bar, with the CI as a whisker when known."""
    if not isinstance(cell.value, int | float):
        return ""
    w = max(0.0, min(1.0, float(cell.value))) * _BAR_W
    parts = [
        f'<svg width="{_BAR_W + 2}" height="12" role="img" aria-label="{pct(cell.value)}">',
        f'<rect x="1" y="2" width="{_BAR_W}" height="8" fill="#eceff1"/>',
        f'<rect x="1" y="2" width="{w:.1f}" height="8" fill="#5c7cfa"/>',
    ]
    if whiskers and cell.ci:
        lo, hi = (max(0.0, min(1.0, v)) * _BAR_W + 1 for v in cell.ci)
        parts.append(
            f'<path class="ci" d="M{lo:.1f} 6H{hi:.1f}M{lo:.1f} 1V11M{hi:.1f} 1V11" '
            'stroke="#212121" stroke-width="1.2" fill="none"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _cell_html(key: str, kind: str, cell: Cell) -> str:
    sort = "" if cell.value is None else escape(str(cell.value))
    attrs = f'data-key="{escape(key)}" data-sort="{sort}"'
    if kind == "text":
        return f"<td {attrs}>{escape(cell.text)}</td>"
    body = escape(cell.text)
    if kind == "score":
        body += _svg_bar(cell, whiskers=key == "overall")
    elif kind == "delta" and isinstance(cell.value, int | float):
        body = f'<span class="{"pos" if cell.value >= 0 else "neg"}">{body}</span>'
    return f'<td class="num" {attrs}>{body}</td>'


def _task_table(view: TaskView) -> str:
    head = "".join(
        f'<th data-key="{escape(c.key)}" data-dir="{"asc" if c.kind == "text" else "desc"}" '
        f'aria-sort="none">{escape(c.title)}</th>'
        for c in view.columns
    )
    rows = []
    for entry, row in zip(view.entries, view.rows, strict=True):
        cells = []
        for c in view.columns:
            if c.key == "agent":
                badges = '<span class="badge smoke">SMOKE TEST</span>' if entry.smoke_test else ""
                badges += "".join(
                    f'<span class="badge flag">{escape(f)}</span>'
                    for f in row_flags(entry, view.task)
                    if f != "SMOKE TEST"
                )
                cells.append(
                    f'<td data-key="agent" data-sort="{escape(entry.label)}">'
                    f"{escape(entry.label)}{badges}</td>"
                )
            else:
                cells.append(_cell_html(c.key, c.kind, row[c.key]))
        cls = ' class="smoke"' if entry.smoke_test else ""
        rows.append(f'<tr{cls} data-label="{escape(entry.label)}">{"".join(cells)}</tr>')
    return (
        f'<table class="board" id="board-{escape(view.task)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _comparisons(board: Leaderboard, task: str) -> str:
    rows = [
        f"<tr><td>{escape(c.label_a)}</td><td>{escape(c.label_b)}</td>"
        f'<td class="num">{100 * c.result.diff:+.1f}</td>'
        f'<td class="num">[{100 * c.result.ci_low:+.1f}, {100 * c.result.ci_high:+.1f}]</td>'
        f'<td class="num">{c.result.p_value:.4f}</td><td class="num">{c.result.n}</td></tr>'
        for c in board.comparisons
        if c.task == task
    ]
    if not rows:
        return ""
    return (
        f"<details><summary>paired tests ({escape(board.comparison_method)}, "
        f'{board.n_resamples} resamples)</summary><table class="pairs"><thead><tr><th>A</th>'
        "<th>B</th><th>A − B</th><th>95% CI</th><th>p</th><th>n</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def render_html(board: Leaderboard) -> str:
    """The whole page as text."""
    sections = []
    for task in task_order(board):
        info = board.tasks[task]
        view = task_view(board, task)
        sections.append(
            f'<h2>{escape(task)}</h2><div class="meta">task {escape(info.version)}, scoring '
            f"{escape(info.scoring_version)}, main metric {escape(info.main_metric)}; "
            "scores ×100, "
            "bars 0–100 with 95% CI whiskers (bootstrap clustered by conversation). "
            "Click a header to sort.</div>" + _task_table(view) + _comparisons(board, task)
        )
    banner = ""
    if any(e.smoke_test for e in board.entries):
        banner = (
            '<div class="banner"><span class="badge smoke">SMOKE TEST</span> rows made with the '
            "embedded toy model are not reportable numbers.</div>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>memobench leaderboard: {escape(board.dataset.name)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>memobench leaderboard: {escape(board.dataset.name)}</h1>"
        f'<div class="meta">dataset sha256 {escape(board.dataset.sha256)} · built '
        f"{escape(board.created_at)} with memobench {escape(board.memobench_version)}</div>"
        f"{banner}{''.join(sections)}{front_section(front_plots(board))}<script>{_JS}</script></body></html>\n"
    )
