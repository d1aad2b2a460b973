"""The proposal's files: the editable statements (.txt) and the review page (.html).

The review page shows the raw page as extracted, each proposed statement's words on its own
colour (numbered as in the .txt), the heading and footer struck through in grey, so a maintainer
sees where the columns were split and corrects the .txt before `page add`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from bloemdata.core.anchor import parse
from bloemdata.ingest.paragraphs import write_paragraphs
from bloemdata.ingest.propose import Proposal


def colour(n: int) -> str:
    """Well-separated background colours (golden-angle hues), light enough to read on."""
    return f"hsl({(n * 137.508) % 360:.1f} 75% 82%)"


def render(raw_name: str, page: int, lines: Sequence[str], proposal: Proposal) -> str:
    """The review page as one self-contained HTML document (no script, no external file)."""
    owner: dict[tuple[int, int], int] = {}  # (line, offset) -> statement number (0-based)
    for n, paragraph in enumerate(proposal.paragraphs):
        for line, start, end in paragraph.segments:
            for offset in range(start, end):
                owner[line, offset] = n
    firsts = {p.segments[0][:2]: n for n, p in enumerate(proposal.paragraphs)}
    for anchor in (proposal.frame.heading, proposal.frame.footer):
        for fragment in parse(anchor) if anchor else []:
            for offset in range(fragment.start, fragment.end):
                owner[fragment.line, offset] = -1
    rows = []
    for number, text in enumerate(lines, start=1):
        cells: list[str] = []
        current: int | None = None
        run = ""
        for offset, char in enumerate(text):
            who = owner.get((number, offset))
            if (number, offset) in firsts:
                if run:
                    cells.append(_span(current, run))
                    run = ""
                cells.append(f"<sup>{firsts[number, offset] + 1}</sup>")
            if who != current and run:
                cells.append(_span(current, run))
                run = ""
            current = who
            run += char
        if run:
            cells.append(_span(current, run))
        rows.append(f'<span class="n">{number:>3}</span> {"".join(cells)}')
    legend = "\n".join(
        f'<li style="background:{colour(n)}" value="{n + 1}">{html.escape(text)}</li>'
        for n, text in enumerate(proposal.statements)
    )
    title = f"Proposed statements of page {page} ({html.escape(raw_name)})"
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
pre {{ font: 14px/1.6 ui-monospace, monospace; background: #fafafa; padding: 1rem;
  border: 1px solid #ddd; overflow-x: auto; }}
pre span.s {{ border-radius: 2px; }}
pre span.frame {{ color: #888; text-decoration: line-through; }}
pre span.none {{ outline: 2px solid #c00; }}
pre span.n {{ color: #999; user-select: none; }}
pre sup {{ font-size: 9px; color: #333; }}
ol li {{ margin: .3rem 0; padding: .2rem .4rem; border-radius: 3px; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{len(proposal.statements)} statements. Each has its own colour, its number before its first
word; grey struck-through text is the heading or footer (in no statement); a red outline marks
words in no statement. Correct the .txt (one statement per paragraph), then run
<code>bloemdata page add</code>.</p>
<pre>{chr(10).join(rows)}</pre>
<h2>Statements, in page order</h2>
<ol>
{legend}
</ol>
</body></html>
"""


def _span(who: int | None, text: str) -> str:
    escaped = html.escape(text)
    if who is None:
        return escaped if not text.strip() else f'<span class="none">{escaped}</span>'
    if who < 0:
        return f'<span class="frame">{escaped}</span>'
    return f'<span class="s s{who + 1}" style="background:{colour(who)}">{escaped}</span>'


def write_proposal(
    output: Path, raw_page: Path, page: int, lines: Sequence[str], proposal: Proposal
) -> tuple[Path, Path]:
    """Write page-pNNN.txt and page-pNNN.html into `output` (created if needed)."""
    output.mkdir(parents=True, exist_ok=True)
    txt = output / f"page-p{page:03d}.txt"
    page_html = output / f"page-p{page:03d}.html"
    txt.write_text(write_paragraphs(proposal.statements), encoding="utf-8", newline="\n")
    page_html.write_text(
        render(raw_page.name, page, lines, proposal), encoding="utf-8", newline="\n"
    )
    return txt, page_html
