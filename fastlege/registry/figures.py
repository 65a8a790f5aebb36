"""An area's key figures, live from the registry: one definition each.

Every page that shows an area's key figures (the municipality's page, the
county governor's, the national administrator's) takes them from one
:class:`AreaFigures`, summed by :func:`sum_lists` from the lists' counts. The
counting in the database is ``fastlege.web.selectors.area_figures``, the one
place that reads the registry for these figures.

Each figure has a monthly counterpart among the statistics' indicators with
the same code and the same definition (``fastlege.stats.indicators``): the
monthly statistic is the live figure counted on the 1st of the month, after
the month's run. The one difference is by design: a live figure counts the
moves already promised to a list (a pending switch or placement, which takes
effect on a later 1st) as taken places (``fastlege.registry.capacity``); after
the month's run nothing due is pending, so the two agree.

Free places never go below zero: a list above its ceiling has no free places,
and how far it is above is its own figure (``over_listetak``). The
Helsedirektoratet figure «sum listetak − listeinnbyggere», which nets the two,
is a monthly statistic of its own (``ledige_plasser_netto``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.registry import capacity


@dataclass(frozen=True)
class Figure:
    """One key figure: ``code`` is also the code of the monthly statistic with the same
    definition, and the anchor of its definition on the definitions page."""

    code: str
    attribute: str  # the field of AreaFigures
    name: str | Promise
    definition: str | Promise


#: The live key figures, in the order the pages show them.
FIGURES: tuple[Figure, ...] = (
    Figure("lister", "lists", _("lister"), _("Fastlegeavtaler (lister) i kraft i området.")),
    Figure(
        "lister_uten_lege",
        "without_gp",
        _("lister uten fast lege"),
        _("Lister uten en fast lege i kraft på dagen; en vikar gjør ikke listen besatt."),
    ),
    Figure(
        "listeinnbyggere",
        "members",
        _("innbyggere på lister"),
        _("Personer på listene i området (etter listens kommune)."),
    ),
    Figure(
        "ledige_plasser",
        "free_places",
        _("ledige plasser"),
        _(
            "For hver liste: listetak − listelengde − flyttinger til listen som er lovet, "
            "men ikke gjennomført ennå; aldri under 0. Summert over listene."
        ),
    ),
    Figure(
        "over_listetak",
        "over_ceiling",
        _("over listetak"),
        _(
            "For hver liste over listetaket: listelengde + lovede flyttinger til listen − "
            "listetak. Summert over listene."
        ),
    ),
    Figure(
        "venter_pa_listene",
        "waiting",
        _("på venteliste til listene"),
        _(
            "Plasser på venteliste til listene i området (etter listens kommune). "
            "En person står på ventelisten til én liste om gangen."
        ),
    ),
    Figure(
        "ufordelte",
        "unassigned",
        _("ufordelte"),
        _("Innbyggere med rett til fastlege som ikke står på noen liste."),
    ),
)

BY_CODE: dict[str, Figure] = {f.code: f for f in FIGURES}


@dataclass(frozen=True)
class ListCount:
    """What the figures need of one list in force."""

    ceiling: int
    members: int
    incoming: int = 0  # pending moves onto the list (capacity.incoming_requests)
    has_gp: bool = True
    waiting: int = 0  # places on the list's waiting list


@dataclass(frozen=True)
class AreaFigures:
    """The key figures of one area (a municipality, or a sum of municipalities)."""

    lists: int = 0
    without_gp: int = 0
    members: int = 0
    ceiling: int = 0
    free_places: int = 0
    over_ceiling: int = 0
    waiting: int = 0
    unassigned: int = 0

    def __add__(self, other: AreaFigures) -> AreaFigures:
        return AreaFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def value(self, code: str) -> int:
        """The figure with the statistics code ``code`` (``FIGURES``)."""
        return int(getattr(self, BY_CODE[code].attribute))

    def cards(self) -> list[tuple[Figure, int]]:
        """``(figure, value)`` for every key figure, in the pages' order."""
        return [(f, self.value(f.code)) for f in FIGURES]


def sum_lists(lists: Iterable[ListCount], *, unassigned: int = 0) -> AreaFigures:
    """The figures of an area from its lists; ``unassigned`` are people on no list,
    counted by their home municipality."""
    n = without = members = ceiling = free = over = waiting = 0
    for a in lists:
        n += 1
        without += not a.has_gp
        members += a.members
        ceiling += a.ceiling
        free += capacity.free_places(a.ceiling, a.members, a.incoming)
        over += capacity.over_ceiling(a.ceiling, a.members, a.incoming)
        waiting += a.waiting
    return AreaFigures(n, without, members, ceiling, free, over, waiting, unassigned)


def total(areas: Iterable[AreaFigures]) -> AreaFigures:
    """The sum of several areas' figures (a county from its municipalities)."""
    out = AreaFigures()
    for a in areas:
        out = out + a
    return out
