"""A Chart block as inline SVG: no script, no external asset, no CSS needed (colours and fonts
are attributes, so it reads the same in a mail client that keeps SVG, on paper and on a phone,
where it scales with the width). Every string is escaped; the numbers are written beside the
bars and repeated in the SVG's title and description for screen readers."""

from __future__ import annotations

from html import escape

from agent.render.blocks import Chart

WIDTH = 480
LABEL_HEIGHT = 22
BAR_HEIGHT = 16
BAR_GAP = 6
ROW_GAP = 14
LEGEND = 26
CHAR = 7.4  # average width of a 13px character, to leave room for the words beside a bar
COLOURS = ("#2b59c3", "#1f7a4d")
MUTED = ("#8aa2dc", "#7fb89a")
TRACK = "#eef1f6"
MARK = "#b42318"
INK = "#1d2330"
GREY = "#4a5466"
FONT = "system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif"
MAX_LABEL = 56


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def svg(chart: Chart, chart_id: str) -> str:
    """Rows of bars: the row's label, then one bar per column (colour-coded, with a legend
    when there are several), the words right of each bar."""
    columns = max(1, len(chart.columns))
    longest = max((len(c.text) for r in chart.rows for c in r.cells), default=10)
    bar_room = WIDTH - min(WIDTH / 2, longest * CHAR + 12)
    legend = LEGEND if columns > 1 else 0
    row_height = LABEL_HEIGHT + columns * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    height = legend + row_height * len(chart.rows) + (22 if chart.marker else 0)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT}" font-size="15">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]
    if columns > 1:
        x = 0.0
        for index, name in enumerate(chart.columns):
            parts.append(
                f'<rect x="{x:.0f}" y="4" width="12" height="12" fill="{COLOURS[index % 2]}" rx="2"/>'
                f'<text x="{x + 17:.0f}" y="15" fill="{GREY}" font-size="13">{escape(name)}</text>'
            )
            x += 17 + len(name) * CHAR + 22
    for row_index, row in enumerate(chart.rows):
        top = legend + row_index * row_height
        parts.append(
            f'<text x="0" y="{top + 16}" fill="{INK}">{escape(_clip(row.label, MAX_LABEL))}'
            + (f"<title>{escape(row.label)}</title>" if len(row.label) > MAX_LABEL else "")
            + "</text>"
        )
        for index, cell in enumerate(row.cells[:columns]):
            bar_top = top + LABEL_HEIGHT + index * (BAR_HEIGHT + BAR_GAP)
            parts.append(
                f'<rect x="0" y="{bar_top}" width="{bar_room:.0f}" height="{BAR_HEIGHT}" fill="{TRACK}" rx="2"/>'
            )
            if cell.fraction is not None:
                length = max(2.0, min(1.0, cell.fraction) * bar_room)
                fill = (MUTED if row.muted else COLOURS)[index % 2]
                parts.append(
                    f'<rect x="0" y="{bar_top}" width="{length:.0f}" height="{BAR_HEIGHT}" fill="{fill}" rx="2"/>'
                )
            parts.append(
                f'<text x="{bar_room + 8:.0f}" y="{bar_top + 13}" fill="{INK}" font-size="13">{escape(cell.text)}</text>'
            )
    if chart.marker:  # a reference line through the bars (not the labels), named below
        _column, fraction, label = chart.marker
        x = fraction * bar_room
        for row_index in range(len(chart.rows)):
            bar_top = legend + row_index * row_height + LABEL_HEIGHT
            parts.append(
                f'<line x1="{x:.0f}" y1="{bar_top - 3}" x2="{x:.0f}" y2="{bar_top + BAR_HEIGHT + 3}" '
                f'stroke="{MARK}" stroke-width="2" stroke-dasharray="3 2"/>'
            )
        bottom = legend + row_height * len(chart.rows)
        parts.append(
            f'<text x="{x:.0f}" y="{bottom + 8}" fill="{MARK}" font-size="13" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
