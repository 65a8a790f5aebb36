"""The printable situation report (PDF), rendered from a version's stored data.

Made with fpdf2 and its core fonts, as the consultation summaries are
(``fastlege.dialogue.exports``): no fonts or network needed at run time. The PDF is
made once, when the version is made, and stored with it; it is never rendered again.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from fastlege.stats.numbers import num, signed
from fastlege.stats.svg import month_label

_REPLACEMENTS = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "•": "*",
    }
)


def latin1(text: Any) -> str:
    """The core fonts cover Latin-1 (æ, ø, å included); other characters become '?'."""
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def month_text(iso: str) -> str:
    return month_label(datetime.date.fromisoformat(iso), long=True)


def _change(value: Any, decimals: int, unit: str) -> str:
    return "-" if value is None else f"{signed(value, decimals)} {unit}"


class _Report:
    def __init__(self, title: str) -> None:
        from fpdf import FPDF  # noqa: PLC0415

        self.pdf = FPDF(format="A4")
        self.pdf.set_title(latin1(title))
        self.pdf.set_creator("fastlege")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(2)
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(self.pdf.epw, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", "", 10)

    def text(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(self.pdf.epw, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        total = sum(widths)
        cols = [w * self.pdf.epw / total for w in widths]
        self.pdf.set_font("Helvetica", "", 8)
        with self.pdf.table(
            col_widths=cols,
            text_align=["LEFT", *(["RIGHT"] * (len(cols) - 1))],
            line_height=4.5,
            first_row_as_headings=True,
        ) as table:
            table.row([latin1(h) for h in header])
            for r in rows:
                table.row([latin1(c) for c in r])
        self.pdf.set_font("Helvetica", "", 10)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A table of short cells (figures), one line a row, drawn with ``cell``: fpdf2's
        ``table`` measures and wraps every cell, and took about 0.3 s for a county's ~450
        cells. Only the headings wrap; they are repeated on a new page."""
        pdf = self.pdf
        total = sum(widths)
        cols = [w * pdf.epw / total for w in widths]
        aligns = ["L", *(["R"] * (len(cols) - 1))]
        pdf.set_font("Helvetica", "B", 8)
        heads: list[list[str]] = [
            cast(list[str], pdf.multi_cell(w - 1, 4, latin1(h), dry_run=True, output="LINES"))
            for w, h in zip(cols, header, strict=True)
        ]
        head_height = 4 * max(len(lines) for lines in heads) + 1

        def draw_header() -> None:
            pdf.set_font("Helvetica", "B", 8)
            x, y = pdf.l_margin, pdf.get_y()
            for w, lines, align in zip(cols, heads, aligns, strict=True):
                pdf.rect(x, y, w, head_height)
                for i, line in enumerate(lines):
                    pdf.set_xy(x, y + 0.5 + 4 * i)
                    pdf.cell(w, 4, line, align=align)
                x += w
            pdf.set_xy(pdf.l_margin, y + head_height)
            pdf.set_font("Helvetica", "", 8)

        if pdf.will_page_break(head_height + 5):
            pdf.add_page(orientation=pdf.cur_orientation.value)
        draw_header()
        for row in rows:
            if pdf.will_page_break(5):
                pdf.add_page(orientation=pdf.cur_orientation.value)
                draw_header()
            for w, cell, align in zip(cols, row, aligns, strict=True):
                pdf.cell(w, 5, self._fit(latin1(cell), w - 2), border=1, align=align)
            pdf.ln(5)
        pdf.set_font("Helvetica", "", 10)

    def _fit(self, text: str, width: float) -> str:
        if self.pdf.get_string_width(text) <= width:
            return text
        while len(text) > 1 and self.pdf.get_string_width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    def item(self, head: str, text: str) -> None:
        """A bold line and the text under it (a row of the follow-up list)."""
        if self.pdf.will_page_break(10):
            self.pdf.add_page()
        self.pdf.set_font("Helvetica", "B", 9)
        self.pdf.cell(self.pdf.epw, 5, latin1(head), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", "", 9)
        self.pdf.multi_cell(self.pdf.epw, 4.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", "", 10)


def render(meeting: dict[str, str], data: dict[str, Any], made: dict[str, str]) -> bytes:
    """The PDF of one rendering (``data``: the internal or the public one)."""
    county = data["county"]["name"]
    month = month_text(data["month"])
    title = f"Situasjonsbilde {county}, {month}"
    r = _Report(title)
    r.heading(title, 16)
    r.text(f"{meeting['title']}, {meeting['date']}. {meeting['organiser']}.")
    r.text(
        f"Versjon {made['version']}, laget {made['at']}. Statistikk per {month}"
        + (f" (telt {made['counted_on']})." if made.get("counted_on") else ".")
    )
    if data["suppressed"]:
        r.text("Offentlig visning: små tall er skjermet («:») som i den offentlige statistikken.")
    r.heading("Nøkkeltall og utvikling")
    r.grid(
        ["Nøkkeltall", "Nå", "Fra forrige måned", "Fra i fjor"],
        [
            [
                h["name"],
                f"{num(h['value'], h['decimals'])} {h['unit']}".strip(),
                _change(h["change_month"], h["decimals"], h["change_unit"]),
                _change(h["change_year"], h["decimals"], h["change_unit"]),
            ]
            for h in data["headlines"]
        ],
        [5, 2.4, 2.4, 2.4],
    )
    series = data["series"]
    if series and series[0]["points"]:
        months = [p[0] for p in series[0]["points"]][-6:]
        r.heading("Utviklingen siste måneder")
        r.grid(
            ["", *[month_label(datetime.date.fromisoformat(m)) for m in months]],
            [
                [
                    s["name"],
                    *[num(dict(s["points"]).get(m), s["decimals"]) for m in months],
                ]
                for s in series
            ],
            [5, *([1.3] * len(months))],
        )
    r.pdf.add_page(orientation="L")  # the municipalities' table: landscape, so headings fit
    r.heading(f"Kommunene i {county}")
    r.grid(
        ["Kommune", *[c["name"] for c in data["municipality_columns"]]],
        [
            [
                m["name"],
                *[
                    num(v, c["decimals"])
                    for v, c in zip(m["values"], data["municipality_columns"], strict=True)
                ],
            ]
            for m in data["municipalities"]
        ],
        [3, *([1.4] * len(data["municipality_columns"]))],
    )
    r.pdf.add_page(orientation="P")
    if data.get("withheld"):
        r.heading("Oppfølging, tiltak og overbud")
        r.text(
            "Oppfølgingslisten, kommunenes tiltak og varsler om overbud er ikke offentlige "
            "og vises bare for Statsforvalteren."
        )
        return bytes(r.pdf.output())
    r.heading("Kommuner som trenger oppfølging")
    if data["followup"]:
        for f in data["followup"]:
            change = "" if f["trend"] is None else f", endring {signed(f['trend'], 1)}"
            r.item(f"{f['name']}: {num(f['score'], 1)} poeng{change}", "; ".join(f["alerts"]))
    else:
        r.text("Ingen kommuner har varsler denne måneden.")
    r.heading("Aktive tiltak")
    if data["measures"]:
        r.table(
            ["Kommune", "Tiltak", "Verdi"],
            [[m["municipality"], m["type"], m["value"]] for m in data["measures"]],
            [2.5, 5, 4],
        )
    else:
        r.text("Ingen aktive tiltak i tiltaksregisteret.")
    r.heading("Varsler om overbud")
    if data["signals"]:
        r.table(
            ["Kommune", "Tiltak", "Verdi", "Naboenes høyeste", "Fylkets median"],
            [
                [
                    s["municipality"],
                    s["type"],
                    s["value"],
                    s["neighbour_max"] or "-",
                    s["county_median"] or "-",
                ]
                for s in data["signals"]
            ],
            [2.5, 4, 3.5, 2, 2],
        )
        r.text(
            f"Et pengetiltak varsles når verdien er mer enn {data['margin_pct']} % over det "
            "høyeste tilbudet i en nabokommune eller over medianen i fylket."
        )
    else:
        r.text("Ingen pengetiltak ligger over nabokommunenes eller fylkets nivå.")
    return bytes(r.pdf.output())
