"""Charts and maps as officials read them (issue 16): axes from zero with units and
Norwegian month names, a table behind every chart, five map classes with a legend in
Norwegian number format, and hidden figures shown as hidden, not as a colour."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation

from fastlege.measures.templatetags.measures_tags import amount
from fastlege.reference.models import Municipality
from fastlege.stats.indicators import BY_CODE, INDICATORS, SERIES
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.numbers import num
from fastlege.stats.svg import (
    NO_DATA,
    PALETTE,
    axis_ticks,
    chart_figure,
    choropleth,
    class_bounds,
    line_chart,
    month_label,
)
from fastlege.stats.tests.test_pages import JAN, filled  # noqa: F401 – fixture
from fastlege.stats.units import unit_label

NBSP = "\u00a0"
MONTHS = [datetime.date(2025, m, 1) for m in range(1, 13)] + [datetime.date(2026, 1, 1)]


# -- number format ---------------------------------------------------------------------


def test_norwegian_numbers_have_space_between_thousands_and_a_decimal_comma() -> None:
    assert num(231879) == f"231{NBSP}879"
    assert num(12.35, 1) == "12,4"  # half up, not to the even 12,3 (Python's round)
    assert num(1234567.891, 2) == f"1{NBSP}234{NBSP}567,89"
    assert num(Decimal("5.8")) == "5,8"
    assert num(-41.55, 1) == "\u221241,6"  # the minus sign, half up away from zero
    assert num(-1234) == f"\u22121{NBSP}234"
    # money uses the same format: whole kroner without decimals, else øre
    assert amount(Decimal("300000")) == f"300{NBSP}000"
    assert amount(Decimal("1234.5")) == f"1{NBSP}234,50"


# -- month labels ----------------------------------------------------------------------


def test_months_are_written_in_norwegian() -> None:
    with translation.override("nb"):
        assert month_label(datetime.date(2025, 1, 1)) == "jan. 2025"
        assert month_label(datetime.date(2025, 5, 1)) == "mai 2025"
        assert month_label(datetime.date(2025, 12, 1), long=True) == "desember 2025"
        chart = line_chart(list(zip(MONTHS, range(13), strict=True)), "x", unit="personer")
    assert ">jan. 2025</text>" in chart and ">jan. 2026</text>" in chart
    assert "2025-01" not in chart


# -- axes ------------------------------------------------------------------------------


def test_the_axis_starts_at_zero_at_a_round_step() -> None:
    assert axis_ticks(231000, 232500) == [0, 50000, 100000, 150000, 200000, 250000]
    assert axis_ticks(24.5, 26.1) == [0, 10, 20, 30]
    assert axis_ticks(0, 2, whole=True) == [0, 1, 2]  # no half persons
    assert axis_ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]  # free places can be negative
    assert axis_ticks(0, 0) == [Decimal(n) for n in ("0", "0.2", "0.4", "0.6", "0.8", "1")]
    assert axis_ticks(0, 0, whole=True) == [0, 1]


def _floats(pattern: str, text: str) -> list[float]:
    return [float(v) for v in re.findall(pattern, text)]


def test_a_count_is_drawn_from_zero_in_proportion() -> None:
    """A line of 231 879 people near 232 000 is not drawn as a steep fall: its height
    above the zero line is in proportion to the figure (the top tick is 250 000)."""
    points = [(MONTHS[0], 231879), (MONTHS[1], 230000), (MONTHS[2], 200000)]
    chart = line_chart(points, "Listeinnbyggere", unit="personer", decimals=0)
    zero = _floats(r'<line x1="[\d.]+" y1="([\d.]+)"[^>]*stroke="#767676"', chart)[0]
    lines = _floats(r'<line x1="[\d.]+" y1="([\d.]+)"', chart)
    top = min(lines)
    dots = _floats(r'<circle cx="[\d.]+" cy="([\d.]+)"', chart)
    for (_m, v), cy in zip(points, dots, strict=True):
        assert (zero - cy) / (zero - top) == pytest.approx(v / 250000, abs=0.005)
    assert f">250{NBSP}000</text>" in chart and ">0</text>" in chart
    assert ">personer</text>" in chart  # the unit on the axis
    assert 'role="img"' in chart and 'aria-labelledby="chart-title"' in chart
    assert '<title id="chart-title">Listeinnbyggere (personer), jan. 2025–mar. 2025' in chart


def test_chart_text_is_readable_on_a_phone() -> None:
    """The chart is drawn 360 units wide and scaled to the column: on a 360 px phone the
    column is 328 px (1 rem padding each side), so 14-unit text is 12,8 px."""
    chart = line_chart([(MONTHS[0], 5)], "x")
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', chart).group(1))  # type: ignore[union-attr]
    size = float(re.search(r'font-size="([\d.]+)"', chart).group(1))  # type: ignore[union-attr]
    assert size * 328 / width >= 12
    assert "font-size" not in chart.split('font-size="', 2)[-1]  # no smaller text inside


def test_every_chart_has_its_figures_in_a_table() -> None:
    points = [(MONTHS[0], 231879), (MONTHS[1], ":"), (MONTHS[2], None)]
    with translation.override("nb"):
        html = chart_figure(points, "Listeinnbyggere", unit="personer", decimals=0)
    table = html.split("<details>", 1)[1]
    assert "<caption>Listeinnbyggere (personer)</caption>" in table
    assert '<th scope="col">Måned</th>' in table
    assert f'<th scope="row">januar 2025</th><td class="num">231{NBSP}879</td>' in table
    assert '<th scope="row">februar 2025</th><td class="num">:</td>' in table
    assert '<th scope="row">mars 2025</th><td class="num">–</td>' in table


def test_every_indicator_has_a_unit_label() -> None:
    labels = {i.code: unit_label(i) for i in INDICATORS}
    assert labels["andel_uten_lege"] == "%"
    assert labels["listeinnbyggere"] == "personer"
    assert labels["fastleger"] == "leger"
    assert labels["listelengde"] == "personer per liste"


# -- map classes -----------------------------------------------------------------------


def test_quantile_classes_put_equal_figures_together_and_make_five() -> None:
    assert class_bounds(list(range(1, 11))) == [2, 4, 6, 8, 10]  # two figures each
    # many municipalities with no one without a GP: zero is a class of its own, the
    # rest fall in four classes of two
    assert class_bounds([0] * 6 + [1, 2, 3, 4, 5, 6, 7, 8]) == [0, 2, 4, 6, 8]
    # a tie bigger than a fifth stays in one class; five classes remain
    assert class_bounds([1, 2, 3] + [4] * 10 + [5, 6]) == [2, 3, 4, 5, 6]
    assert class_bounds([1] * 10 + [2, 3, 4, 5]) == [1, 2, 3, 4, 5]
    # fewer than five different figures: one class each
    assert class_bounds([0, 0, 5.8, 31.1]) == [0, 5.8, 31.1]
    assert class_bounds([]) == []


@pytest.mark.django_db
def test_the_map_gives_each_class_its_own_colour_and_a_legend() -> None:
    numbers = list(Municipality.objects.filter(county_id="50").values_list("number", flat=True))
    assert len(numbers) >= 12
    # ten figures (two per class), one hidden, the rest without a figure
    figures = [0.0, 0.0, 2.5, 5.8, 7.1, 9.9, 12.4, 20.0, 25.3, 31.1]
    values: dict[str, object] = dict(zip(numbers, figures, strict=False))
    values[numbers[10]] = ":"
    svg, legend = choropleth(
        values, numbers, higher_is_worse=True, link="/k/{}/", unit="%", decimals=1
    )
    assert [c.label for c in legend.classes] == [
        f"0,0{NBSP}%",
        f"2,5–5,8{NBSP}%",
        f"7,1–9,9{NBSP}%",
        f"12,4–20,0{NBSP}%",
        f"25,3–31,1{NBSP}%",
    ]
    assert [c.count for c in legend.classes] == [2, 2, 2, 2, 2]
    assert [c.colour for c in legend.classes] == list(PALETTE)  # darker is worse
    assert (legend.suppressed, legend.missing) == (1, len(numbers) - 11)

    def fill_and_title(number: str) -> tuple[str, str]:
        name = Municipality.objects.get(number=number).name
        m = re.search(rf'fill="([^"]+)"[^>]*><title>({re.escape(name)}: [^<]*)</title>', svg)
        assert m, number
        return m.group(1), m.group(2)

    assert fill_and_title(numbers[3]) == (PALETTE[1], f"{_name(numbers[3])}: 5,8{NBSP}%")
    assert fill_and_title(numbers[9]) == (PALETTE[4], f"{_name(numbers[9])}: 31,1{NBSP}%")
    hidden_fill, hidden_title = fill_and_title(numbers[10])
    assert hidden_fill.startswith("url(#")
    assert hidden_title == f"{_name(numbers[10])}: skjermet"
    assert fill_and_title(numbers[11]) == (NO_DATA, f"{_name(numbers[11])}: ingen tall")


def _name(number: str) -> str:
    return str(Municipality.objects.get(number=number).name)


# -- pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_area_page_has_a_chart_with_a_table_for_every_series(client, filled):  # noqa: F811
    html = client.get("/statistikk/fylke/50/").content.decode()
    figures = html.split('<figure class="chart-figure"')[1:]
    assert len(figures) == len(SERIES)
    for fig in figures:
        assert 'role="img"' in fig.split("</svg>")[0]
        assert "<details><summary>" in fig and '<th scope="row">januar 2026</th>' in fig
    # the key figure of a share carries its unit, its change is in percentage points
    assert '<span class="unit">%</span>' in html
    assert re.search(r"fra forrige måned: [−+±][\d,]+ prosentpoeng", html)
    assert ">januar 2026</option>" in html  # the month picker in words


@pytest.mark.django_db
def test_the_map_page_has_five_classes_in_its_legend(client, filled):  # noqa: F811
    row = AreaMonthCount.objects.filter(month=JAN, kind=AreaKind.MUNICIPALITY).values().first()
    assert row is not None
    others = Municipality.objects.filter(county_id="50").exclude(number__in=["5022", "5026"])
    for k, m in enumerate(others.order_by("number")[:10]):
        fields = {**row, "id": None, "code": m.number, "on_lists": 1000}
        fields["on_lists_with_gp"] = 1000 - 10 * k  # 0 %, 1 %, ... 9 % without a GP
        AreaMonthCount.objects.create(**fields)
    html = client.get("/statistikk/kart/?indikator=andel_uten_lege&fylke=50").content.decode()
    assert html.count('data-testid="map-class"') == 5
    legend = html.split('data-testid="map-legend"', 1)[1]
    assert "Tegnforklaring (%)" in legend and f"</svg> 0,0–2,0{NBSP}%" in legend
    assert html.count("<path") == 38  # the classes' swatches are not municipalities
    # the figures behind the map, as a table: every municipality of the county
    table = html.split('data-testid="map-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 38
    rennebu = AreaMonthCount.objects.get(month=JAN, kind=AreaKind.MUNICIPALITY, code="5022")
    share = (rennebu.on_lists - rennebu.on_lists_with_gp) * 100 / rennebu.on_lists
    assert f'<th scope="row">Rennebu</th><td class="num">{num(share, 1)}</td>' in table
    assert BY_CODE["andel_uten_lege"].decimals == 1
