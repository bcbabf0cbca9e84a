"""A Chart block as inline SVG: no script, no external asset, no CSS needed (colours and fonts
are attributes, so it reads the same in a mail client that keeps SVG, on paper and on a phone,
where it scales with the width). Every string is escaped; the numbers are written beside the
bars and repeated in the SVG's title and description for screen readers."""

from __future__ import annotations

from html import escape

from agent.render.blocks import Chart

WIDTH = 640
LABEL_HEIGHT = 20
BAR_HEIGHT = 14
ROW_GAP = 12
HEAD = 26
TEXT_ROOM = 150  # space right of the longest bar for its words
BAR = "#2b59c3"
MUTED = "#8aa2dc"
TRACK = "#eef1f6"
MARK = "#b42318"
INK = "#1d2330"
GREY = "#4a5466"
FONT = "system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif"
MAX_LABEL = 78


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def svg(chart: Chart, chart_id: str) -> str:
    columns = max(1, len(chart.columns))
    column_width = WIDTH / columns
    bar_room = column_width - TEXT_ROOM - (12 if columns > 1 else 0)
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = HEAD + row_height * len(chart.rows) + (18 if chart.marker else 4)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT}" font-size="14">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]
    for index, name in enumerate(chart.columns):
        x = index * column_width
        parts.append(
            f'<text x="{x:.0f}" y="16" fill="{GREY}" font-size="13" font-weight="600">{escape(name)}</text>'
        )
    for row_index, row in enumerate(chart.rows):
        top = HEAD + row_index * row_height
        parts.append(
            f'<text x="0" y="{top + 14}" fill="{INK}">{escape(_clip(row.label, MAX_LABEL))}'
            + (f"<title>{escape(row.label)}</title>" if len(row.label) > MAX_LABEL else "")
            + "</text>"
        )
        bar_top = top + LABEL_HEIGHT
        for index, cell in enumerate(row.cells[:columns]):
            x = index * column_width
            parts.append(
                f'<rect x="{x:.0f}" y="{bar_top}" width="{bar_room:.0f}" height="{BAR_HEIGHT}" fill="{TRACK}" rx="2"/>'
            )
            length = 0.0
            if cell.fraction is not None:
                length = max(2.0, min(1.0, cell.fraction) * bar_room)
                fill = MUTED if row.muted else BAR
                parts.append(
                    f'<rect x="{x:.0f}" y="{bar_top}" width="{length:.0f}" height="{BAR_HEIGHT}" fill="{fill}" rx="2"/>'
                )
            parts.append(
                f'<text x="{x + bar_room + 6:.0f}" y="{bar_top + 12}" fill="{INK}" font-size="13">{escape(cell.text)}</text>'
            )
    if chart.marker:
        column, fraction, label = chart.marker
        x = column * column_width + fraction * bar_room
        bottom = HEAD + row_height * len(chart.rows)
        parts.append(
            f'<line x1="{x:.0f}" y1="{HEAD - 4}" x2="{x:.0f}" y2="{bottom - ROW_GAP + 2}" '
            f'stroke="{MARK}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{bottom + 10}" fill="{MARK}" font-size="12" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
