"""Forvaltningsområdet for samisk språk: the municipalities where Sami and Norwegian are equal.

Used by fastlegeforskriften § 36 (Sami speakers have priority on the lists of
Sami-speaking GPs in the Sami language administrative area).

**Unverified.** Written from the project's knowledge and checked against the
list in Prop. 58 L (2022–2023) chapter 5 and sametinget.no (13 municipalities,
by the 2024 municipality numbers of ``data/kommuner_2024.csv``). Additions after
the 2023 amendment of the Sami Act (sameloven § 3-1 and its regulation, with the
new municipality categories) have not been checked. The list is the authority
behind ``Municipality.sami_language_area``; the loader sets the flag from it and
migration ``reference.0003_sami_language_area`` set it on existing rows.
"""

from __future__ import annotations

SAMI_LANGUAGE_AREA_VERIFIED = False

SAMI_LANGUAGE_AREA: dict[str, str] = {
    # North Sami area
    "5610": "Kárášjohka - Karasjok",
    "5612": "Guovdageaidnu - Kautokeino",
    "5622": "Porsáŋgu - Porsanger",
    "5628": "Deatnu - Tana",
    "5636": "Unjárga - Nesseby",
    "5540": "Gáivuotna - Kåfjord",
    "5518": "Loabák - Lavangen",
    "5512": "Dielddanuorri - Tjeldsund",
    # Lule Sami area
    "1875": "Hábmer - Hamarøy",
    # South Sami area
    "1826": "Aarborte - Hattfjelldal",
    "5043": "Raarvihke - Røyrvik",
    "5041": "Snåase - Snåsa",
    "5025": "Rosse - Røros",
}
