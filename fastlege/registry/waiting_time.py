"""Expected waiting time on a list's waiting list (forventet ventetid), as a range.

The estimate answers "when will the person at place ``k`` in this queue get a
place?" from two things the registry knows: how many places have opened for the
queue on this list over the last months (the monthly update's list snapshots,
``monthly.ListMonthSnapshot``, and the places it gave from the waiting list) and
how many stand ahead in the queue now (``registry.selectors.waiting_position``).

**Places opened for the queue in month t** (``openings``)::

    opened(t) = places_left(t) − places_left(t − 1) + from_waiting_list(t)

with ``places_left = ceiling − length`` of the list after the run of the month
(``capacity.places_left``, signed) and ``from_waiting_list`` the people who got a
place on the list from its waiting list in that month (list places begun with
reason ``venteliste``). Written out, that is members leaving, plus ceiling
increases (less decreases), less the people who joined *not* from the waiting list
(newborns on a parent's list, unassigned residents who come first, switches while
the list was open): the places the queue could have had. Over a window the sum
telescopes, so a month without a run (a gap) costs nothing but its share. The places
the queue actually got are a floor: a ceiling cut in the window (the list reduced,
its members moved off) does not make the places given from the queue disappear.

**Assumptions.** Places open at a rate λ per month. With ``x`` places opened in
``W`` months, λ is estimated as (x + ½) / W (½: the Jeffreys prior of a Poisson
rate), and is uncertain by φλ / W (a short or quiet history: a wider range). Places
come in lumps (a GP leaving, a ceiling raised): a month's openings vary by φ times
their mean, not once (Poisson); φ (``dispersion``) is the variance ÷ the mean of the
list's own months, shrunk toward a common value (``PARAMETERS.dispersion``, weighed
as ``dispersion_weight`` months) so that a few calm months do not make a list look
like clockwork. And the rate ahead is not the window's: lists change (a new GP, a
ceiling cut, the municipality's other lists filling up); it is λ × e^(σZ), Z
standard normal, σ = ``drift`` — as likely to double as to halve. The queue keeps
its order (first come, first served; § 36 order is already in the position); those
ahead leave the queue without a place at the list's past monthly share
(``leaving_share``), evenly through the queue; and places go out only in the monthly
run, so a wait is a whole number of months. The person at place ``k`` gets a place
in the run where the ``still ahead + 1 − places left now``-th place opens.

**The range.** For a rate ahead cλ, the places opening in the next ``j`` months are
taken as negative-binomial with mean m = cλj and variance φm + (cj)² φλ/W (the lumps
and the uncertain rate; with φ = 1 and σ = 0 this is NB(x + ½, W / (W + j)), the
Poisson–gamma mixture), and

    P(wait ≤ j months) = E_c P(NB ≥ still_ahead(k − 1, j) + 1 − places_left_now),
    c = e^(σZ)

(``turn_by``: the incomplete beta function for the negative binomial, averaged over
16 equally likely values of Z). The range is the first ``j`` where that reaches
``low_quantile`` and the first where it reaches ``high_quantile`` (``PARAMETERS``).
The back-test of this method on the seeded history, and how the constants were
chosen, are in docs/waiting-time.md (``bench/waiting_time_backtest.py``).

Reads only; list information is public (fastlegeforskriften § 6), so nothing here
is scoped or audited. A person's place in the queue comes from the selector,
which does both.
"""

from __future__ import annotations

import datetime
import enum
import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from fastlege.monthly.models import ListMonthSnapshot
from fastlege.registry import capacity, rules
from fastlege.registry.models import Agreement, ListMembership, WaitingListEntry
from fastlege.registry.selectors import QueuePlace, waiting_on_list


@dataclass(frozen=True)
class Parameters:
    """The method's choices, in one place (docs/waiting-time.md says why)."""

    #: Months of history the rate is estimated from.
    window_months: int = 12
    #: Fewer months of history than this: the wait is "ukjent".
    min_history_months: int = 6
    #: The range: from the month by which this share has had their turn …
    low_quantile: float = 0.25
    #: … to the month by which this share has.
    high_quantile: float = 0.75
    #: Shape of the prior on the monthly rate (½: Jeffreys).
    prior_shape: float = 0.5
    #: How lumpy openings are from month to month (their variance ÷ their mean; 1 is a
    #: Poisson process): a list's own months are shrunk toward this …
    dispersion: float = 3.0
    #: … with the weight of this many months (a short history leans on it more).
    dispersion_weight: float = 6.0
    #: How much a list's rate ahead may differ from the window's: the standard deviation
    #: of its logarithm (the rate ahead is λ × e^(drift × Z)). Fitted to the back-test
    #: on the seeded history (docs/waiting-time.md; 0 leaves the range far too narrow).
    drift: float = 2.0
    #: Ranges reaching past this many months are shown as "more than …".
    max_months: int = 36
    #: Count on those ahead leaving the queue without a place, at the list's past rate.
    count_leavers: bool = True


PARAMETERS = Parameters()

#: A waiting place that ended without a place on the list.
LEFT_WITHOUT_A_PLACE = (
    WaitingListEntry.Status.LEFT,
    WaitingListEntry.Status.REPLACED,
    WaitingListEntry.Status.ENDED,
)


@dataclass(frozen=True)
class MonthFigures:
    """A list after the run of one month: ceiling, members, and who came from the queue."""

    month: datetime.date
    ceiling: int
    length: int
    from_waiting_list: int = 0
    waiting: int = 0  # in the queue after the run
    left_waiting_list: int = 0  # left the queue without a place during the month


@dataclass(frozen=True)
class ListHistory:
    """A list's months, oldest first (a month without a snapshot is simply absent)."""

    agreement_id: int
    months: tuple[MonthFigures, ...]

    @property
    def span(self) -> int:
        """Months from the first to the last snapshot: the window the openings cover."""
        if len(self.months) < 2:
            return 0
        return _month_number(self.months[-1].month) - _month_number(self.months[0].month)


class Kind(enum.StrEnum):
    RANGE = "range"  # low–high months
    UNKNOWN = "unknown"  # too little history
    NONE_OPENED = "none_opened"  # no place opened for the queue in the window
    LONGER = "longer"  # the range reaches past ``max_months``


@dataclass(frozen=True)
class WaitEstimate:
    """The expected wait of one place in one queue (the template shows it)."""

    agreement_id: int
    kind: Kind
    position: int  # 1 = next in line
    needed: int  # places that must open first (position − free places now; ≥ 1)
    low: int | None  # months, ``None`` when not known or past ``max_months``
    high: int | None
    median: int | None  # the month by which half have had their turn (the back-test's point)
    opened: int  # places opened for the queue in the window
    window: int  # months the window covers
    as_of: datetime.date | None  # the last month of the history
    max_months: int = PARAMETERS.max_months

    @property
    def per_month(self) -> float:
        return self.opened / self.window if self.window else 0.0

    @property
    def known(self) -> bool:
        return self.kind in (Kind.RANGE, Kind.LONGER)


# --- The method (pure) -------------------------------------------------------------


def _month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def openings(history: Sequence[MonthFigures]) -> list[int]:
    """Places opened for the queue in each month after the first (see the module
    docstring); may be negative in a month when others took more places than opened."""
    return [
        capacity.places_left(cur.ceiling, cur.length)
        - capacity.places_left(prev.ceiling, prev.length)
        + cur.from_waiting_list
        for prev, cur in zip(history, history[1:], strict=False)
    ]


def leaving_share(history: Sequence[MonthFigures]) -> float:
    """The share of a queue that leaves it without a place in a month: those who left over
    the window ÷ the queue's person-months (0 with no queue in the window)."""
    exposure = sum(m.waiting for m in history)
    return min(1.0, sum(m.left_waiting_list for m in history) / exposure) if exposure else 0.0


def still_ahead(ahead: int, leaving: float, months: int) -> int:
    """Of ``ahead`` people, how many are expected still in the queue after ``months``
    (rounded up: a part of a person still stands ahead)."""
    return math.ceil(ahead * (1.0 - leaving) ** months - 1e-9)


def dispersion(monthly: Sequence[int], params: Parameters = PARAMETERS) -> float:
    """How lumpy the openings are: the variance ÷ the mean of the months' openings, the
    list's own (with ``len − 1`` months of weight) shrunk toward ``params.dispersion``
    (with ``params.dispersion_weight``); at least 1 (Poisson). A list with no net
    openings has only the prior."""
    n = len(monthly)
    mean = sum(monthly) / n if n else 0.0
    own, weight = params.dispersion, 0.0
    if n > 1 and mean > 0:
        own = sum((o - mean) ** 2 for o in monthly) / (n - 1) / mean
        weight = float(n - 1)
    prior = params.dispersion_weight
    return max(1.0, (prior * params.dispersion + weight * own) / (prior + weight))


@dataclass(frozen=True)
class Rate:
    """Places opening for the queue per month, and how sure we are of it."""

    mean: float  # λ: (opened + prior) ÷ window
    dispersion: float  # φ: a month's openings vary φ × λ around λ (1: Poisson)
    variance: float  # of λ from too few months: φλ ÷ window
    drift: float  # σ: the rate ahead is λ × e^(σZ), Z standard normal

    def ahead(self, months: int, factor: float = 1.0) -> tuple[float, float]:
        """Mean and variance of the places opening in the next ``months`` when the rate
        ahead is ``factor`` × λ."""
        mean = self.mean * factor * months
        return mean, self.dispersion * mean + (months * factor) ** 2 * self.variance


def rate(opened: int, window: int, monthly: Sequence[int], params: Parameters = PARAMETERS) -> Rate:
    """The rate of openings from ``opened`` places in ``window`` months (``monthly``: the
    months' openings, for the dispersion)."""
    mean = (opened + params.prior_shape) / window
    phi = dispersion(monthly, params)
    return Rate(mean, phi, phi * mean / window, params.drift)


#: The rate's change ahead, e^(σZ), is averaged over Z at the middles of 16 equally
#: likely slices of the standard normal (each weighs 1/16): the quantiles of the wait
#: come out within a month of a simulation (tests), where five Gauss–Hermite points
#: leave steps in the distribution.
_SLICES = 16
_NODES = tuple(NormalDist().inv_cdf((i + 0.5) / _SLICES) for i in range(_SLICES))


def at_least(needed: int, mean: float, variance: float) -> float:
    """P(N ≥ ``needed``) for N negative-binomial with this ``mean`` and ``variance``
    (> mean): r = mean² ÷ (variance − mean), p = mean ÷ variance, and
    P(N ≥ n) = 1 − P(N ≤ n − 1) = 1 − I_p(r, n) = I_(1−p)(n, r), the regularized
    incomplete beta function (a continued fraction: no loop over the queue)."""
    if needed <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    r = mean * mean / (variance - mean)
    return _incomplete_beta(float(needed), r, 1.0 - mean / variance)


def turn_by(needed: int, rate_: Rate, months: int) -> float:
    """P(at least ``needed`` places open within ``months``): the negative binomial of
    ``at_least`` averaged over the rate's change ahead (``_NODES``)."""
    if needed <= 0:
        return 1.0
    if rate_.drift == 0:
        return at_least(needed, *rate_.ahead(months))
    total = 0.0
    for i, z in enumerate(_NODES):  # slowest rate first: the chance only grows
        chance = at_least(needed, *rate_.ahead(months, math.exp(rate_.drift * z)))
        if chance > 1.0 - 1e-9:  # this and every faster slice: certain
            return (total + _SLICES - i) / _SLICES
        total += chance
    return total / _SLICES


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), by its continued fraction (Numerical Recipes, ``betai``)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return min(1.0, front * _beta_fraction(a, b, x) / a)
    return max(0.0, 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-12:
            break
    return h


@functools.lru_cache(maxsize=65536)
def _first_month(
    ahead: int, places_left_now: int, leaving: float, per_month: Rate, q: float, cap: int
) -> int:
    """The first whole month ``j`` in 1..cap with ``turn_by(j) ≥ q`` for the places needed
    by then (those still ahead + 1 − places left now); ``cap + 1`` if none. A binary
    search: ``turn_by`` grows with ``j`` and the places needed shrink."""
    lo, hi = 1, cap + 1
    while lo < hi:
        mid = (lo + hi) // 2
        needed = still_ahead(ahead, leaving, mid) + 1 - places_left_now
        if turn_by(needed, per_month, mid) >= q:
            hi = mid
        else:
            lo = mid + 1
    return lo


def estimate(
    history: ListHistory | None,
    position: int,
    places_left_now: int = 0,
    params: Parameters = PARAMETERS,
) -> WaitEstimate:
    """The expected wait of the person at ``position`` (1 = next) in a list's queue, from
    the list's ``history`` (the last ``params.window_months`` at most) and the list's
    signed places left now (``capacity.places_left``: free places go to the queue at the
    next run; a list above its ceiling must first come down to it)."""
    agreement_id = history.agreement_id if history else 0
    months = _window(history.months if history else (), params.window_months)
    window = ListHistory(agreement_id, months).span
    monthly = openings(months)
    # What the queue got is a floor: a cut in the ceiling does not hide places given out.
    opened = max(0, sum(monthly), sum(m.from_waiting_list for m in months[1:]))
    leaving = leaving_share(months) if params.count_leavers else 0.0
    needed = max(1, position - places_left_now)
    unknown = WaitEstimate(
        agreement_id=agreement_id,
        kind=Kind.UNKNOWN,
        position=position,
        needed=needed,
        low=None,
        high=None,
        median=None,
        opened=opened,
        window=window,
        as_of=months[-1].month if months else None,
        max_months=params.max_months,
    )
    if window < params.min_history_months:
        return unknown
    if position <= places_left_now:  # a free place now: the next run
        return replace(unknown, kind=Kind.RANGE, low=1, high=1, median=1)
    if opened == 0:
        return replace(unknown, kind=Kind.NONE_OPENED)
    cap = params.max_months
    per_month = rate(opened, window, monthly, params)
    low, median, high = (
        _first_month(position - 1, places_left_now, leaving, per_month, q, cap)
        for q in (params.low_quantile, 0.5, params.high_quantile)
    )
    return replace(
        unknown,
        kind=Kind.RANGE if high <= cap else Kind.LONGER,
        low=low if low <= cap else None,
        high=high if high <= cap else None,
        median=median if median <= cap else None,
    )


def _window(months: Sequence[MonthFigures], window_months: int) -> tuple[MonthFigures, ...]:
    """The snapshots of the last ``window_months`` months (and the one before, the start)."""
    if not months:
        return ()
    first = _month_number(months[-1].month) - window_months
    return tuple(m for m in months if _month_number(m.month) >= first)


# --- Reading the history (one list or many in three queries) ---------------------------


def latest_month() -> datetime.date | None:
    """The last month with list snapshots (the last monthly run)."""
    return ListMonthSnapshot.objects.aggregate(m=Max("month"))["m"]


def histories(
    agreement_ids: Iterable[int] | None,
    *,
    as_of: datetime.date | None = None,
    params: Parameters = PARAMETERS,
) -> dict[int, ListHistory]:
    """The lists' histories up to the snapshot of ``as_of`` (default: the last run), the
    last ``params.window_months`` months: three queries (the snapshots, the list places
    begun from a waiting list, the waiting places left without a place). ``agreement_ids=None``:
    every list."""
    as_of = as_of or latest_month()
    if as_of is None:
        return {}
    start = rules.add_months(as_of, -params.window_months)
    after = rules.add_months(as_of, 1)
    snapshots = ListMonthSnapshot.objects.filter(month__gte=start, month__lte=as_of)
    joins = ListMembership.objects.filter(
        begin_reason=ListMembership.BeginReason.WAITING_LIST,
        valid_from__gt=start,
        valid_from__lt=after,
    )
    began = datetime.datetime.combine(start, datetime.time())
    ended = datetime.datetime.combine(after, datetime.time())
    leavers = WaitingListEntry.objects.filter(
        status__in=LEFT_WITHOUT_A_PLACE,
        ended_at__gte=timezone.make_aware(began),
        ended_at__lt=timezone.make_aware(ended),
    )
    if agreement_ids is not None:
        ids = sorted(set(agreement_ids))
        snapshots = snapshots.filter(agreement_id__in=ids)
        joins = joins.filter(agreement_id__in=ids)
        leavers = leavers.filter(agreement_id__in=ids)
    came = _by_month(joins, "valid_from")
    left = _by_month(leavers, "ended_at")
    rows: dict[int, list[MonthFigures]] = defaultdict(list)
    for agreement_id, month, ceiling, length, waiting in snapshots.order_by(
        "agreement_id", "month"
    ).values_list("agreement_id", "month", "ceiling", "length", "waiting_count"):
        key = (agreement_id, month)
        rows[agreement_id].append(
            MonthFigures(month, ceiling, length, came.get(key, 0), waiting, left.get(key, 0))
        )
    return {pk: ListHistory(pk, tuple(months)) for pk, months in rows.items()}


def _by_month(rows: QuerySet[Any], field: str) -> dict[tuple[int, datetime.date], int]:
    """Counts of ``rows`` per (list, month of ``field``)."""
    return {
        (agreement_id, _as_date(month)): n
        for agreement_id, month, n in rows.annotate(m=TruncMonth(field))
        .order_by()
        .values("agreement_id", "m")
        .annotate(n=Count("*"))
        .values_list("agreement_id", "m", "n")
    }


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- For pages: a newcomer on many lists, one person's place ------------------------


def for_lists(agreement_ids: Iterable[int]) -> dict[int, WaitEstimate]:
    """The expected wait of someone joining each list's queue now (place = those
    waiting + 1), for many lists: four queries (the lists' places left and queues,
    and ``histories``)."""
    ids = sorted(set(agreement_ids))
    now = {
        pk: (free, waiting)
        for pk, free, waiting in capacity.with_places_left(Agreement.objects.filter(pk__in=ids))
        .annotate(waiting=waiting_on_list())
        .order_by()
        .values_list("pk", "free", "waiting")
    }
    return for_queues(now)


def for_queues(now: Mapping[int, tuple[int, int]]) -> dict[int, WaitEstimate]:
    """``for_lists`` when each list's signed places left now and number waiting are
    already known (``{list id: (places_left, waiting)}``, e.g. the search's rows): only
    ``histories``, three queries for any number of lists."""
    found = histories(now) if now else {}
    out = {}
    for pk, (free, waiting) in now.items():
        history = found.get(pk) or ListHistory(pk, ())
        out[pk] = estimate(history, int(waiting) + 1, int(free))
    return out


def for_list(agreement_id: int) -> WaitEstimate:
    """``for_lists`` for one list."""
    return for_lists([agreement_id])[agreement_id]


def for_place(place: QueuePlace) -> WaitEstimate:
    """The expected wait of a person at ``place`` (``selectors.waiting_position``, which
    checks access and audits the read)."""
    counted = capacity.occupancy(place.agreement_id)
    members, incoming = counted if counted is not None else (0, 0)
    ceiling = Agreement.objects.values_list("ceiling", flat=True).get(pk=place.agreement_id)
    history = histories([place.agreement_id]).get(place.agreement_id)
    return estimate(
        history or ListHistory(place.agreement_id, ()),
        place.position,
        capacity.places_left(ceiling, members, incoming),
    )
