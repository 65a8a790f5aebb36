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

from fastlege.stats.disclosure import MARK, sensitive_counts
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
    """What public figures hide of this indicator, in Norwegian
    (``fastlege.stats.disclosure``: primary and secondary suppression)."""
    names = sensitive_counts(indicator)
    if not names:
        return _("Ingen skjerming: tallet vises også offentlig.")
    counts = ", ".join(_count_name(n) for n in names)
    return _(
        "Offentlig vises tallet som «%(mark)s» når antall %(counts)s er mellom 1 og "
        "%(last)s, eller når det tallet må skjules for at et annet skjult tall ikke skal "
        "kunne regnes ut fra summene (sekundær skjerming)."
    ) % {"mark": MARK, "counts": counts, "last": SUPPRESSION_THRESHOLD - 1}


def method_text() -> list[str]:
    """The suppression method in Norwegian, paragraph by paragraph (the definitions page;
    docs/indicators.md says the same in English)."""
    t, last = SUPPRESSION_THRESHOLD, SUPPRESSION_THRESHOLD - 1
    return [
        _(
            "Tall som vises uten innlogging, skjermes slik Statistisk sentralbyrå (SSB) "
            "skjermer sine tabeller: med primær og sekundær skjerming. Et skjult tall "
            "vises som «%(mark)s»."
        )
        % {"mark": MARK},
        _(
            "Primær skjerming: et antall personer eller leger mellom 1 og %(last)s skjules, "
            "og med det alle tall som er regnet ut fra det (andeler, gjennomsnitt, tall per "
            "1 000). Null vises. Grensen er %(t)s."
        )
        % {"t": t, "last": last},
        _(
            "Sekundær skjerming: et skjult tall skal ikke kunne regnes ut fra det som vises. "
            "Der en sum vises sammen med delene sine (kommunene i et fylke og fylket, "
            "fylkene og hele landet, kommunene i en størrelsesgruppe eller "
            "sentralitetsklasse og gruppen, listeinnbyggere på liste med og uten fast "
            "lege og alle listeinnbyggere, aldersgruppene og alle fastleger), ville ett "
            "skjult tall alene kunne regnes ut som summen minus de andre. Da skjules også "
            "det minste andre tallet i summen (helst ikke null), og slik fortsetter det til "
            "ingen sum har nøyaktig ett skjult tall, også på tvers av tabellene: en kommune "
            "som skjules i fylkets tabell, kan gjøre at fylkessummen må skjules i tabellen "
            "over fylkene. Fastleger som startet og sluttet skjules der antall fastleger er "
            "skjult denne eller forrige måned (fastleger nå = forrige måned + startet − "
            "sluttet). Til slutt kontrolleres det at heller ikke flere summer sammen "
            "gir et skjult tall."
        ),
        _(
            "De samme tallene skjules på sidene, i tabellene, kartet, grafene og "
            "nedlastingene. Innlogget ser du tallene for områdene rollen din gjelder, uten "
            "skjerming."
        ),
    ]


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
