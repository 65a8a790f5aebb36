"""The shared catalogue of measure types, seeded from the sources.

Source 001 (Trondheim's chief municipal medical officer, Stiklestad 25.4.2019)
gives the executive committee's decision of 18.12.2018, the GPs' original and
adjusted lists of demands and the proposed joint measures for Trøndelag; the
national action plan (domain brief § 10) adds ALIS and supervision. Loaded by a
data migration and by ``measures_demo``; a second run changes nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Entry(NamedTuple):
    code: str
    name: str
    category: str
    unit: str
    source: str
    description: str = ""


#: Source labels as users read them in the catalogue: the document, who and when —
#: never an internal reference (source numbers, sections of the domain brief).
#: Migration 0003 relabels rows written with the earlier labels.
S001 = "Fastlegenes kravliste til kommunen (kommuneoverlegen i Trondheim, Stiklestad 25.4.2019)"
S001_VEDTAK = "Formannskapets vedtak 18.12.2018 (Trondheim kommune)"
S001_FELLES = "Felles grep i Trøndelag (kommuneoverlegen i Trondheim, Stiklestad 25.4.2019)"
PLAN = "Regjeringens handlingsplan for allmennlegetjenesten 2020–2024"

CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "driftstilskudd",
        "Kommunalt tilskudd til drift av legekontor",
        "penger",
        "kr_per_ar",
        S001,
        "Tilskudd fra kommunen til driften av legesentrene.",
    ),
    Entry(
        "kompetansetilskudd",
        "Tilskudd til kompetanseheving og spesialisering",
        "utdanning",
        "kr_per_ar",
        S001 + "; " + S001_VEDTAK,
    ),
    Entry(
        "alis-stilling",
        "ALIS-stillinger (leger i spesialisering i allmennmedisin)",
        "utdanning",
        "stillinger",
        S001 + "; " + PLAN,
        "Rekrutterings- og avlastningsordning gjennom ALIS-avtaler, også med næringsdrift.",
    ),
    Entry(
        "veiledning",
        "Veiledning og supervisjon for leger i spesialisering",
        "utdanning",
        "timer_per_uke",
        PLAN,
        "Nasjonal ALIS og veiledning dekker kommunens merkostnader fra 2022.",
    ),
    Entry(
        "avlastningsstilling",
        "Rekrutterings- og avlastningsstillinger (bistillinger)",
        "organisering",
        "stillinger",
        S001 + "; " + S001_VEDTAK,
    ),
    Entry(
        "fritak-deltid-legevakt",
        "Fritak fra kommunale deltidsstillinger og legevakt",
        "arbeidsvilkar",
        "timer_per_uke",
        S001,
    ),
    Entry(
        "kompensasjon-tidkrevende",
        "Kompensasjon for tidkrevende oppgaver (multidose, elektronisk meldingsutveksling)",
        "penger",
        "kr_per_ar",
        S001,
    ),
    Entry(
        "oppgaveoverforing",
        "Bremse overføringen av oppgaver fra spesialisthelsetjenesten",
        "organisering",
        "ingen",
        S001,
    ),
    Entry(
        "mindre-administrasjon",
        "Mindre administrativt arbeid som kommunen rår over",
        "arbeidsvilkar",
        "ingen",
        S001_VEDTAK,
    ),
    Entry(
        "stengt-sommer",
        "Tilrettelegging for stengte legekontor om sommeren",
        "arbeidsvilkar",
        "dager",
        S001,
    ),
    Entry(
        "vikarutgifter-fravaer",
        "Kommunen dekker vikar- og driftsutgifter etter 16 dagers fravær",
        "penger",
        "kr_per_ar",
        S001,
        "Når fastlegen selv ikke kan skaffe vikar.",
    ),
    Entry(
        "videokonsultasjon",
        "Utstyr og lisenser for videokonsultasjon",
        "penger",
        "kr_engang",
        S001,
    ),
    Entry("sms-timebestilling", "Timebestilling via SMS", "penger", "kr_per_ar", S001),
    Entry(
        "tolketelefon",
        "Konferansetelefon for tolkeoppdrag",
        "arbeidsvilkar",
        "kr_engang",
        S001,
    ),
    Entry(
        "talegjenkjenning",
        "Talegjenkjenning og diktering av journalnotat",
        "penger",
        "kr_engang",
        S001,
    ),
    Entry(
        "etableringstilskudd",
        "Etableringstilskudd for nye praksiser",
        "penger",
        "kr_engang",
        S001_VEDTAK,
    ),
    Entry(
        "rekrutteringstilskudd",
        "Rekrutteringstilskudd",
        "penger",
        "kr_engang",
        S001_VEDTAK,
        "For leger som vil spesialisere seg i allmennmedisin.",
    ),
    Entry(
        "fastlonn",
        "Fastlønnede fastlegestillinger",
        "organisering",
        "stillinger",
        PLAN,
    ),
    Entry(
        "lavere-listetak",
        "Mindre lister (lavere listetak)",
        "arbeidsvilkar",
        "listeplasser",
        S001 + " (reduksjon av listestørrelser)",
    ),
    Entry(
        "vikarordning",
        "Felles vikarordning",
        "organisering",
        "stillinger",
        S001_FELLES,
    ),
    Entry(
        "hjemmesykepleiepoliklinikk",
        "Hjemmesykepleiepoliklinikk i kommunal regi",
        "organisering",
        "ingen",
        S001_VEDTAK,
    ),
)


def sync_catalogue(model: Any = None) -> int:
    """Create the catalogue entries that are missing (by code), approved.
    Returns how many were created. ``model``: a historical model in a migration."""
    if model is None:
        from fastlege.measures.models import MeasureType as model  # noqa: N813

    existing = set(model.objects.values_list("code", flat=True))
    new = [
        model(
            code=e.code,
            name=e.name,
            category=e.category,
            unit=e.unit,
            source=e.source,
            description=e.description,
            status="godkjent",
            position=(i + 1) * 10,
        )
        for i, e in enumerate(CATALOGUE)
        if e.code not in existing
    ]
    model.objects.bulk_create(new)
    return len(new)
