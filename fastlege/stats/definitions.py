"""The indicators' definitions as people read them: on the page
``/statistikk/definisjoner/`` and in ``docs/indicators.md`` (its generated list,
written by ``fastlege stats-indicator-docs``). Both are made here from the one
registry, :data:`fastlege.stats.indicators.INDICATORS`, so neither can drift from
the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import override

from fastlege.stats.indicators import INDICATORS, SUPPRESSION_THRESHOLD, Indicator
from fastlege.stats.models import AreaMonthCount

#: The markers around the generated list in docs/indicators.md.
DOC_BEGIN = "<!-- BEGIN indikatorliste: generert av `fastlege stats-indicator-docs` -->"
DOC_END = "<!-- END indikatorliste -->"

#: Counts that are not a column of the count table (``indicators.derived``).
_DERIVED_COUNTS = {"on_lists_without_gp": "listeinnbyggere på liste uten fast lege"}


def anchor(code: str) -> str:
    """The definition's fragment on the definitions page: ``#<code>``."""
    return code


def _count_name(name: str) -> str:
    if name in _DERIVED_COUNTS:
        return _(_DERIVED_COUNTS[name])
    return str(getattr(AreaMonthCount._meta.get_field(name), "verbose_name", name))


def suppression_text(indicator: Indicator) -> str:
    """What public figures hide of this indicator, in Norwegian."""
    if not indicator.suppress_on:
        return _("Ingen skjerming: tallet vises også offentlig.")
    counts = ", ".join(_count_name(n) for n in indicator.suppress_on)
    return _(
        "Offentlig vises tallet som «<%(t)s» når antall %(counts)s er mellom 1 og %(last)s."
    ) % {"t": SUPPRESSION_THRESHOLD, "counts": counts, "last": SUPPRESSION_THRESHOLD - 1}


def direction_text(indicator: Indicator) -> str:
    if indicator.higher_is_worse is None:
        return _("Verken bedre eller verre")
    return _("Høyere er verre") if indicator.higher_is_worse else _("Høyere er bedre")


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str
    decimals: int
    formula: str
    source: str
    suppression: str
    direction: str


def definitions() -> list[Definition]:
    """Every indicator of the registry, in table order, in the active language."""
    return [
        Definition(
            code=i.code,
            name=str(i.name),
            unit=i.unit,
            decimals=i.decimals,
            formula=str(i.formula_text),
            source=i.source,
            suppression=suppression_text(i),
            direction=direction_text(i),
        )
        for i in INDICATORS
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The generated list for docs/indicators.md, markers included (Norwegian bokmål)."""
    with override("nb"):
        rows = definitions()
    lines = [
        DOC_BEGIN,
        "",
        "| kode | navn | enhet (desimaler) | formel | kilde | skjerming |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{d.code}` | {_cell(d.name)} | {d.unit} ({d.decimals}) | {_cell(d.formula)} "
        f"| {_cell(d.source)} | {_cell(d.suppression)} |"
        for d in rows
    ]
    lines += ["", DOC_END]
    return "\n".join(lines)


def with_generated_list(doc: str) -> str:
    """``doc`` with its generated list replaced by the current one (appended if absent)."""
    if DOC_BEGIN in doc and DOC_END in doc:
        before = doc[: doc.index(DOC_BEGIN)]
        after = doc[doc.index(DOC_END) + len(DOC_END) :]
        return before + markdown() + after
    return doc.rstrip("\n") + "\n\n" + markdown() + "\n"
