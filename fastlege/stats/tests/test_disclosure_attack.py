"""An attacker reads the public statistics and tries to recompute every hidden figure
(issue 18, finding 4). The figures come through the real pipeline: the seed, the
December fill from the registry, January's and February's monthly runs and the
statistics fill; residents queue for two of Hitra's lists and a Hitra GP dies on 31
January.

The attacker, not logged in, downloads the full export of every kind of area and
reads the published relations: a county is the sum of its municipalities, the nation
the sum of the counties (and of the size groups, and of the centrality classes), a
size group or a centrality class the sum of its municipalities (their membership is
public: each municipality's page names its group and class), and list residents are
those on lists with a GP plus those on lists without one. Published rates give counts
too (share without a GP × list residents), and so do the capacity figures (the sum of
the ceilings − list residents = free places − places over the ceiling). Each
municipality's lists table adds up to its list residents (with and without a GP) and
to those waiting for its lists. A hidden count is revealed when the relations and the
visible figures fix it: the test solves them exactly (Gauss–Jordan
over the rationals), which includes the plain case of one hidden cell in a sum.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from fractions import Fraction
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.monthly.models import ListMonthSnapshot
from fastlege.monthly.services import run_month
from fastlege.reference.models import Municipality
from fastlege.registry.models import Agreement, DoctorPeriod, ListMembership
from fastlege.registry.services.municipality import gp_leaves
from fastlege.registry.services.waiting import join_waiting_list
from fastlege.registry.tests.factories import user_with
from fastlege.stats.indicators import BY_CODE, SUPPRESSION_THRESHOLD
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.services import fill_month_from_registry, stats_fill

DEC = datetime.date(2025, 12, 1)
LAST_DAY = datetime.date(2025, 12, 31)
JAN = datetime.date(2026, 1, 1)
JAN_LAST_DAY = datetime.date(2026, 1, 31)
FEB = datetime.date(2026, 2, 1)
MARK = ":"

#: Municipalities with few GPs (KOSTRA 2025: Rennebu 3, Tydal 2, Smøla 3) beside ones
#: with more (Hitra 5, Hareid 5), in two counties (Trøndelag, Møre og Romsdal).
MUNICIPALITIES = ("5022", "5033", "5056", "1573", "1517")

#: Counts published for every area that add up across areas (the attacker's sums).
ADDITIVE = (
    "fastleger_startet",
    "fastleger_sluttet",
    "sum_listetak",
    "ledige_plasser",
    "over_listetak",
    "fastleger",
    "kvinnelige_fastleger",
    "listeinnbyggere",
    "listeinnbyggere_med_lege",
    "listeinnbyggere_uten_lege",
    "ufordelte",
    "venteliste",
    "venter_pa_listene",
    "venteliste_annen_fastlegekommune",
    "venteliste_annen_bostedskommune",
    "bytter",
)

#: The counts of the lists table, cell by cell: ("liste", agreement, count).
LIST_LENGTH, LIST_WAITING = "liste_lengde", "liste_venteliste"

#: Rates that give a count from a base: count = rate × base ÷ scale.
RATES = (
    ("listeinnbyggere_uten_lege", "andel_uten_lege", "listeinnbyggere", 100),
    ("kvinnelige_fastleger", "andel_kvinner", "fastleger", 100),
    ("fastleger", "fastleger_per_1000", "listeinnbyggere", 1000),
)

#: The count each additive figure counts people or doctors by (a figure is primary
#: hidden when that count is 1–4): women among the GPs by the GPs.
PRIMARY_BY = {
    "kvinnelige_fastleger": "fastleger",
    "fastleger_startet": "fastleger",
    "fastleger_sluttet": "fastleger",
}

Cell = tuple[str, str, str]  # (kind, code, indicator)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker) -> Any:
    """What the public sees of February (and January), and the true figures, read once
    for the module (the data are built in a transaction rolled back at the end)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            args = [a for n in MUNICIPALITIES for a in ("--kommune", n)]
            call_command("seed", *args, "--months", "0", stdout=io.StringIO())
            fill_month_from_registry(None, DEC)
            _queue_for_two_lists()
            run_month(None, JAN)
            _a_gp_leaves()
            run_month(None, FEB)
            stats_fill(None)
            data = _read(Client())
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


#: Hitra: residents queue for two of its lists, closed by hand, 3 for one and 6 for the
#: other: the lists table shows 3 as hidden and the municipality's 9 waiting.
QUEUES = ("5056", (3, 6))


def _queue_for_two_lists() -> None:
    number, sizes = QUEUES
    lists = list(
        Agreement.objects.filter(municipality_id=number, valid_to__isnull=True).order_by("pk")[
            : len(sizes)
        ]
    )
    Agreement.objects.filter(pk__in=[a.pk for a in lists]).update(locked_by_hand=True)
    closed = {a.pk for a in lists}
    people = (
        ListMembership.objects.filter(agreement__municipality_id=number, valid_to__isnull=True)
        .exclude(agreement_id__in=closed)
        .select_related("resident")
        .order_by("pk")
    )
    queue = iter(m.resident for m in people)
    for agreement, n in zip(lists, sizes, strict=True):
        for _ in range(n):
            person = next(queue)
            join_waiting_list(
                user_with(Role.CITIZEN, resident=person), person, agreement.pk, today=LAST_DAY
            )


#: The attacker reads February; January's cells are theirs too:
#: (kind + BEFORE_TAG, code, indicator).
BEFORE_TAG = "@2026-01"


#: Hitra: a GP dies on 31 January, so Hitra has 5 GPs in January and 4 in February
#: (January's GPs + started − stopped gives one month from the other).
LEAVES = "5056"


def _a_gp_leaves() -> None:
    agreement = (
        DoctorPeriod.objects.filter(
            agreement__municipality_id=LEAVES,
            agreement__locked_by_hand=False,
            role=DoctorPeriod.Role.REGULAR,
            valid_to__isnull=True,
        )
        .order_by("-agreement_id")
        .values_list("agreement_id", flat=True)
        .first()
    )
    assert agreement is not None
    gp_leaves(
        user_with(Role.MUNICIPALITY, municipality_id=LEAVES),
        agreement,
        end_date=JAN_LAST_DAY,
        end_reason=DoctorPeriod.EndReason.DIED,
        today=JAN_LAST_DAY,
    )


def _export(client: Client, kind: str) -> dict[tuple[str, str], dict[str, Any]]:
    """February's rows under the kind, January's under the kind + ``BEFORE_TAG``."""
    text = client.get(f"/statistikk/eksport/?omrade={kind}&format=csv-maskin").content.decode()
    tags = {"2026-02": "", "2026-01": BEFORE_TAG}
    return {
        (kind + tags[r["maned"]], r["omradekode"]): r
        for r in csv.DictReader(io.StringIO(text))
        if r["maned"] in tags
    }


def _number(text: str) -> Fraction | str | None:
    if text == MARK:
        return MARK
    if text in ("", "–"):
        return None
    return Fraction(text)


def _read(client: Client) -> dict[str, Any]:
    shown: dict[Cell, Fraction | str | None] = {}
    for kind in AreaKind.values:
        for (k, code), row in _export(client, kind).items():
            for ind in BY_CODE:
                shown[(k, code, ind)] = _number(row[ind])
    # group membership, as each municipality's page shows it
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    pages = {}
    lists: dict[str, list[tuple[str, bool]]] = {}
    for number in MUNICIPALITIES:
        page = client.get(f"/statistikk/kommune/{number}/?format=json").json()
        pages[number] = page
        lists[number] = []
        for row in page["lister"]:
            agreement = str(row["liste"])
            lists[number].append((agreement, row["fast_lege"]))
            shown[("liste", agreement, LIST_LENGTH)] = _number(str(row["listelengde"]))
            shown[("liste", agreement, LIST_WAITING)] = _number(str(row["venteliste"]))
        for area in page["sammenligning"]:
            if area["kind"] != AreaKind.MUNICIPALITY:
                groups[(area["kind"], area["code"])].append(number)
    counties = {"nasjon": sorted({c for k, c in groups if k == AreaKind.COUNTY})}
    true = {
        (r.kind + ("" if r.month == FEB else BEFORE_TAG), r.code): r
        for r in AreaMonthCount.objects.filter(month__in=[JAN, FEB])
    }
    truth: dict[Cell, Any] = {
        (kind, code, ind): BY_CODE[ind].value(_row(r))
        for (kind, code), r in true.items()
        for ind in BY_CODE
    }
    for pk, length, waiting in ListMonthSnapshot.objects.filter(month=FEB).values_list(
        "agreement_id", "length", "waiting_count"
    ):
        truth[("liste", str(pk), LIST_LENGTH)] = length
        truth[("liste", str(pk), LIST_WAITING)] = waiting
    other_pages = {
        "nasjon": client.get("/statistikk/?format=json").json(),
        **{c: client.get(f"/statistikk/fylke/{c}/?format=json").json() for c in counties["nasjon"]},
    }
    maps = {
        ind: client.get(f"/statistikk/kart/?indikator={ind}&format=json").json()["verdier"]
        for ind in ("fastleger", "ufordelte", "andel_uten_lege")
    }
    return {
        "shown": shown,
        "groups": dict(groups),
        "truth": truth,
        "pages": pages,
        "other_pages": other_pages,
        "maps": maps,
        "lists": lists,
        "counties": counties["nasjon"],
        "names": dict(Municipality.objects.values_list("number", "county_id")),
    }


def _row(r: AreaMonthCount) -> dict[str, Any]:
    return {f.name: getattr(r, f.name) for f in AreaMonthCount._meta.concrete_fields}


def _relations(data: dict[str, Any]) -> list[dict[Cell, int]]:
    """The sums the public tables publish, as the attacker writes them down: each
    month's, and from January to February, GPs = January's + started − stopped."""
    shown = data["shown"]
    areas = {(k, c) for k, c, _i in shown if k != "liste"}
    sums: list[tuple[tuple[str, str], list[tuple[str, str]]]] = []
    for tag in ("", BEFORE_TAG):
        for (kind, code), members in data["groups"].items():
            sums.append(
                ((kind + tag, code), [(AreaKind.MUNICIPALITY.value + tag, m) for m in members])
            )
        for kind in (AreaKind.COUNTY, AreaKind.SIZE, AreaKind.CENTRALITY):
            parts = sorted(a for a in areas if a[0] == kind + tag)
            sums.append(((AreaKind.NATION.value + tag, ""), parts))
    out = []
    for kind, code in areas:
        if not kind.endswith(BEFORE_TAG) and (kind + BEFORE_TAG, code) in areas:
            out.append(
                {
                    (kind, code, "fastleger"): 1,
                    (kind + BEFORE_TAG, code, "fastleger"): -1,
                    (kind, code, "fastleger_startet"): -1,
                    (kind, code, "fastleger_sluttet"): 1,
                }
            )
    for total, parts in sums:
        for ind in ADDITIVE:
            rel = {(*total, ind): 1}
            for p in parts:
                rel[(*p, ind)] = rel.get((*p, ind), 0) - 1
            out.append(rel)
    for kind, code in areas:
        out.append(
            {
                (kind, code, "listeinnbyggere"): 1,
                (kind, code, "listeinnbyggere_med_lege"): -1,
                (kind, code, "listeinnbyggere_uten_lege"): -1,
            }
        )
        # list by list, ceiling − length = free places − places over the ceiling
        out.append(
            {
                (kind, code, "sum_listetak"): 1,
                (kind, code, "listeinnbyggere"): -1,
                (kind, code, "ledige_plasser"): -1,
                (kind, code, "over_listetak"): 1,
            }
        )
    for number, its in data["lists"].items():
        for sum_of, count, which in (
            ("listeinnbyggere", LIST_LENGTH, None),
            ("listeinnbyggere_med_lege", LIST_LENGTH, True),
            ("listeinnbyggere_uten_lege", LIST_LENGTH, False),
            ("venter_pa_listene", LIST_WAITING, None),
        ):
            rel = {("kommune", number, sum_of): 1}
            for agreement, with_gp in its:
                if which is None or with_gp == which:
                    rel[("liste", agreement, count)] = -1
            out.append(rel)
    return out


def _from_rates(shown: dict[Cell, Any]) -> dict[Cell, Fraction]:
    """Hidden counts a visible rate and a visible base give (rounded to the person)."""
    got = {}
    for kind, code, ind in list(shown):
        for count, rate, base, scale in RATES:
            if ind != count or shown[(kind, code, count)] != MARK:
                continue
            r, b = shown.get((kind, code, rate)), shown.get((kind, code, base))
            if isinstance(r, Fraction) and isinstance(b, Fraction):
                got[(kind, code, count)] = Fraction(round(r * b / scale))
    return got


def attack(shown: dict[Cell, Any], relations: list[dict[Cell, int]]) -> dict[Cell, Fraction]:
    """Every hidden count the published figures fix, with its value."""
    known = {c: v for c, v in shown.items() if isinstance(v, Fraction)}
    revealed = _from_rates(shown)
    known.update(revealed)
    rows = []
    for rel in relations:
        if any(c not in shown or shown[c] is None for c in rel):
            continue  # a sum with a missing figure is no sum
        unknown = {c: Fraction(k) for c, k in rel.items() if c not in known}
        if unknown:
            rhs = -sum(Fraction(k) * known[c] for c, k in rel.items() if c in known)
            rows.append((unknown, rhs))
    # Gauss–Jordan
    reduced: list[tuple[Cell, dict[Cell, Fraction], Fraction]] = []
    for coefs, rhs in rows:
        coefs = dict(coefs)
        for p, pc, pr in reduced:
            if p in coefs:
                f = coefs[p]
                for c, v in pc.items():
                    coefs[c] = coefs.get(c, Fraction(0)) - f * v
                rhs -= f * pr
                coefs = {c: v for c, v in coefs.items() if v}
        if not coefs:
            continue
        p = min(coefs)
        f = coefs[p]
        coefs = {c: v / f for c, v in coefs.items()}
        rhs /= f
        new = []
        for q, qc, qr in reduced:
            if p in qc:
                g = qc[p]
                qc = dict(qc)
                for c, v in coefs.items():
                    qc[c] = qc.get(c, Fraction(0)) - g * v
                qr -= g * rhs
                qc = {c: v for c, v in qc.items() if v}
            new.append((q, qc, qr))
        reduced = [*new, (p, coefs, rhs)]
    for p, pc, pr in reduced:
        if len(pc) == 1:
            revealed[p] = pr
    return revealed


def _hidden(data: dict[str, Any]) -> set[Cell]:
    counts = (*ADDITIVE, LIST_LENGTH, LIST_WAITING)
    return {c for c, v in data["shown"].items() if v == MARK and c[2] in counts}


def test_the_data_have_small_counts_to_protect(published):
    """Not a vacuous test: GP counts of 1–4 are hidden, in more than one municipality,
    and every count of 1–4 is hidden."""
    truth = published["truth"]
    gps = [c for c in published["shown"] if c[2] == "fastleger" and c[0] == "kommune"]
    small = [c for c in gps if 0 < truth[c] < SUPPRESSION_THRESHOLD]
    assert len(small) >= 2
    # Hitra: 5 GPs in January, 4 in February, one stopped
    hitra = ("kommune", LEAVES)
    assert truth[(hitra[0] + BEFORE_TAG, LEAVES, "fastleger")] == 5
    assert truth[(*hitra, "fastleger")] == 4 and truth[(*hitra, "fastleger_sluttet")] == 1
    # the lists table: one list's 3 waiting are hidden, and so is the other's 6
    waiting = {c: v for c, v in published["shown"].items() if c[2] == LIST_WAITING}
    assert sorted(truth[c] for c, v in waiting.items() if v == MARK) == [3, 6]
    for c, value in published["shown"].items():
        if value is not None and _primary(c, truth):  # None: no such figure
            assert value == MARK, c


def test_no_hidden_figure_can_be_recomputed(published):
    revealed = attack(published["shown"], _relations(published))
    assert revealed == {}, {c: (v, published["truth"][c]) for c, v in revealed.items()}


def test_the_attack_works_on_primary_suppression_alone(published):
    """With only the small counts hidden (as before secondary suppression), the same
    attack gives back hidden GP counts exactly: the attack is a real one."""
    shown = dict(published["shown"])
    truth = published["truth"]
    for cell in _hidden(published):
        if not _primary(cell, truth):
            shown[cell] = Fraction(truth[cell])
    revealed = attack(shown, _relations(published))
    gps = {c: v for c, v in revealed.items() if c[2] == "fastleger"}
    assert gps
    assert all(v == truth[c] for c, v in revealed.items() if c[2] in ("fastleger", "ufordelte"))


#: The counts of people or doctors (primary suppression below 5), and those counted by
#: another one (``PRIMARY_BY``).
PEOPLE = {
    "fastleger",
    "listeinnbyggere",
    "listeinnbyggere_med_lege",
    "listeinnbyggere_uten_lege",
    "ufordelte",
    "venteliste",
    "venter_pa_listene",
    "venteliste_annen_fastlegekommune",
    "venteliste_annen_bostedskommune",
    "bytter",
    *PRIMARY_BY,
}


def _primary(cell: Cell, truth: dict[Cell, Any]) -> bool:
    kind, code, ind = cell
    if kind == "liste":
        return 0 < truth[cell] < SUPPRESSION_THRESHOLD
    if ind not in PEOPLE:
        return False
    n = truth[(kind, code, PRIMARY_BY.get(ind, ind))]
    return n is not None and 0 < n < SUPPRESSION_THRESHOLD


def test_every_secondary_cell_is_needed(published):
    """No over-suppression: each count hidden without being small protects another
    one — shown, it would let the attacker recompute a hidden count."""
    truth = published["truth"]
    relations = _relations(published)
    secondary = sorted(c for c in _hidden(published) if not _primary(c, truth))
    assert secondary  # the data need some
    for cell in secondary:
        shown = dict(published["shown"])
        shown[cell] = Fraction(truth[cell])
        assert attack(shown, relations), cell


def test_counts_that_need_no_hiding_are_shown(published):
    """A county's or the nation's large totals, and the municipalities' list residents,
    stay visible."""
    shown = published["shown"]
    for kind, code in [("nasjon", ""), *(("fylke", c) for c in published["counties"])]:
        assert isinstance(shown[(kind, code, "listeinnbyggere")], Fraction)
    for number in MUNICIPALITIES:
        assert isinstance(shown[("kommune", number, "listeinnbyggere")], Fraction)


def test_pages_tables_and_maps_hide_the_same_cells_as_the_export(published):
    shown = published["shown"]

    def same(kind: str, code: str, ind: str, value: Any) -> None:
        expected = shown[(kind, code, ind)]
        if expected == MARK:
            assert value == MARK, (kind, code, ind)
        else:
            assert value != MARK, (kind, code, ind)

    for number, page in published["pages"].items():
        for h in page["nokkeltall"]:
            same("kommune", number, h["indikator"], h["verdi"])
        for area in page["sammenligning"]:
            for ind, value in area["values"].items():
                same(area["kind"], area["code"], ind, value)
    for key, page in published["other_pages"].items():
        for row in page["underomrader"]:
            kind = "fylke" if key == "nasjon" else "kommune"
            for ind, value in row["values"].items():
                same(kind, row["code"], ind, value)
    for ind, values in published["maps"].items():
        for number in MUNICIPALITIES:
            same("kommune", number, ind, values[number])
