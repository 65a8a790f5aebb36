"""What the search and the GP's and practice's pages show, for the seeded doctors and
practices: the languages a GP speaks besides Norwegian, and a practice's place on the
map, phone, opening hours and accessibility (issue 20, items 2–3).

Drawn from a random stream of their own (``_rng(seed, "details", municipality)`` in the
runner), so the rest of the seed is the same as without them.

**Languages.** Every GP speaks Norwegian (not stored: ``Doctor.languages`` lists the
others). About three in four name English; the others reflect where Norway's GPs come
from and the languages of larger immigrant groups, each a small minority
(``LANGUAGE_SHARES``, drawn independently per doctor). Plausible, not measured: no
register publishes GPs' languages.

**Place.** A practice is put near its municipality's centre (``web.geo``, the project's
own map), with a jitter of a few kilometres (less in a small municipality), and only
where the point lies inside the municipality's outline; after ``PLACE_TRIES`` misses
it stands at the centre, which is inside. Coordinates with five decimals (about 1 m),
as ``Practice.latitude``/``longitude`` store them."""

from __future__ import annotations

import math
import random

from fastlege.web import geo

PRACTICE_DETAIL_FIELDS = ("latitude", "longitude", "phone", "opening_hours", "accessibility")
DOCTOR_DETAIL_FIELDS = ("languages",)

#: Share of GPs who speak each language with patients (besides Norwegian), in the
#: order ``Doctor.languages`` lists them.
LANGUAGE_SHARES: tuple[tuple[str, float], ...] = (
    ("en", 0.75),
    ("sv", 0.07),
    ("de", 0.05),
    ("da", 0.04),
    ("pl", 0.03),
    ("ar", 0.025),
    ("es", 0.02),
    ("fr", 0.02),
    ("fa", 0.015),
    ("ru", 0.015),
    ("ur", 0.012),
    ("lt", 0.01),
    ("so", 0.008),
    ("ta", 0.006),
    ("tr", 0.006),
    ("ti", 0.005),
)

PLACE_TRIES = 40
#: Jitter (one standard deviation) around the centre: at most this many degrees of
#: latitude (about 3 km), at most a tenth of the municipality's height.
JITTER_DEGREES = 0.03

OPENING_HOURS = (
    "Mandag–fredag 08.00–15.30",
    "Mandag–fredag 08.00–16.00. Kveldsåpent torsdag til 19.00",
    "Mandag–torsdag 08.00–15.30, fredag 08.00–14.00",
    "Mandag–fredag 07.30–15.00",
    "Mandag–fredag 08.30–16.00. Stengt for lunsj 11.30–12.00",
)
ACCESSIBILITY = (
    "Trinnfri inngang og heis. Parkering for forflytningshemmede ved inngangen.",
    "Kontoret ligger i 2. etasje med heis. Teleslynge i resepsjonen.",
    "Trinnfri inngang på bakkeplan. Tilrettelagt toalett.",
    "Trapp til 1. etasje, ingen heis. Ring på, så kommer vi ned til deg.",
    "",
)


def languages(rng: random.Random) -> str:
    """``Doctor.languages`` of one GP, e.g. ``"en,pl"`` (may be empty)."""
    return ",".join(code for code, share in LANGUAGE_SHARES if rng.random() < share)


def _heights() -> dict[str, float]:
    return {
        number: max(lat for ring in rings for _, lat in ring)
        - min(lat for ring in rings for _, lat in ring)
        for number, rings in geo.outlines().items()
    }


_height_cache: dict[str, float] = {}


def place(rng: random.Random, municipality: str) -> tuple[str, str] | None:
    """(latitude, longitude) as text with five decimals, inside the municipality;
    ``None`` for a municipality the map lacks."""
    centre = geo.municipality_centre(municipality)
    if centre is None:
        return None
    if not _height_cache:
        _height_cache.update(_heights())
    sd = min(JITTER_DEGREES, _height_cache.get(municipality, 0.0) / 10)
    lon_sd = sd / math.cos(math.radians(centre.lat))
    for _ in range(PLACE_TRIES):
        lat = round(rng.gauss(centre.lat, sd), 5)
        lon = round(rng.gauss(centre.lon, lon_sd), 5)
        if geo.inside(municipality, lat, lon):
            return f"{lat:.5f}", f"{lon:.5f}"
    return f"{centre.lat:.5f}", f"{centre.lon:.5f}"


def phone(rng: random.Random, municipality: str) -> str:
    """A made-up eight-digit number with the county's old area code (Trøndelag 73/74)."""
    first = {"50": "73", "03": "22", "46": "55", "11": "51", "18": "75", "55": "77"}.get(
        municipality[:2], "6" + str(rng.randint(1, 9))
    )
    if first == "73" and rng.random() < 0.3:
        first = "74"
    rest = f"{rng.randint(0, 999_999):06d}"
    return f"{first} {rest[:2]} {rest[2:4]} {rest[4:]}"


def practice_details(rng: random.Random, municipality: str) -> tuple[object, ...]:
    """The values of ``PRACTICE_DETAIL_FIELDS`` for one practice."""
    at = place(rng, municipality)
    return (
        at[0] if at else None,
        at[1] if at else None,
        phone(rng, municipality),
        rng.choice(OPENING_HOURS),
        rng.choice(ACCESSIBILITY),
    )


def fill(
    rng: random.Random,
    municipality: str,
    practices: list[tuple],
    doctors: list[tuple],
    first_practice: int,
    first_doctor: int,
) -> None:
    """Extend the municipality's rows (from ``first_practice`` and ``first_doctor`` on)
    with the detail fields, in place."""
    for i in range(first_practice, len(practices)):
        practices[i] = practices[i] + practice_details(rng, municipality)
    for i in range(first_doctor, len(doctors)):
        doctors[i] = doctors[i] + (languages(rng),)
