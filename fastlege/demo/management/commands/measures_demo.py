"""Register realistic Trøndelag measures and the GPs' list of demands (idempotent).

The demand list is the one in source 001 (the GPs' adjusted demands to Trondheim,
2019), with the executive committee's decision of 18.12.2018. The other
municipalities' measures are invented for the demo but of the kinds the sources
name (establishment and recruitment grants, ALIS posts, exemption from
out-of-hours duty, a shared substitute scheme, smaller lists); their
descriptions say they are demo data. Melhus' establishment grant is set above its
neighbour Trondheim's, so the outbidding signal shows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from fastlege.measures import services
from fastlege.measures.catalogue import sync_catalogue
from fastlege.measures.models import DemandList, MeasureType
from fastlege.reference.models import Municipality

D = datetime.date
DEMANDS_TITLE = "Fastlegeopprørets justerte krav til kommunen"
DEMO = "Demodata."
FSK = "Formannskapet"

#: (municipality, type code, status, value, basis, target group, body, decided, start, text)
MEASURES: tuple[tuple[Any, ...], ...] = (
    (
        "5001",
        "hjemmesykepleiepoliklinikk",
        "planlagt",
        None,
        "totalt",
        "alle_fastleger",
        FSK,
        D(2018, 12, 18),
        None,
        "Rådmannen bes arbeide videre med å etablere en hjemmesykepleiepoliklinikk i "
        "kommunal regi (vedtak 18.12.18 pkt. 1, formannskapssak 27.11.18 og 18.12.18).",
    ),
    (
        "5001",
        "kompetansetilskudd",
        "aktiv",
        Decimal("50000"),
        "per_lege",
        "alis",
        FSK,
        D(2019, 6, 11),
        D(2019, 9, 1),
        "Kompetansetilskudd til spesialisering (vedtak 18.12.18 pkt. 2). " + DEMO,
    ),
    (
        "5001",
        "etableringstilskudd",
        "aktiv",
        Decimal("200000"),
        "per_lege",
        "nye_fastleger",
        FSK,
        D(2024, 11, 19),
        D(2025, 1, 1),
        "Etableringstilskudd for nye praksiser (vedtak 18.12.18 pkt. 4). " + DEMO,
    ),
    (
        "5001",
        "alis-stilling",
        "aktiv",
        Decimal("10"),
        "totalt",
        "alis",
        FSK,
        D(2020, 2, 4),
        D(2020, 8, 1),
        "ALIS-stillinger med næringsdrift (arbeidsgruppe 1). " + DEMO,
    ),
    (
        "5028",
        "etableringstilskudd",
        "planlagt",
        Decimal("300000"),
        "per_lege",
        "nye_fastleger",
        "",
        None,
        D(2026, 1, 1),
        "Melhus vurderer et høyere etableringstilskudd enn nabokommunene. " + DEMO,
    ),
    (
        "5028",
        "vikarutgifter-fravaer",
        "vedtatt",
        Decimal("400000"),
        "totalt",
        "alle_fastleger",
        "Kommunestyret",
        D(2025, 6, 17),
        D(2025, 9, 1),
        "Kommunen dekker vikarutgifter etter 16 dagers fravær når fastlegen ikke finner "
        "vikar selv. " + DEMO,
    ),
    (
        "5031",
        "driftstilskudd",
        "aktiv",
        Decimal("100000"),
        "per_lege",
        "alle_fastleger",
        "Kommunestyret",
        D(2023, 12, 12),
        D(2024, 1, 1),
        "Kommunalt tilskudd til drift av legekontorene. " + DEMO,
    ),
    (
        "5031",
        "fritak-deltid-legevakt",
        "aktiv",
        Decimal("4"),
        "per_lege",
        "nye_fastleger",
        "Kommunestyret",
        D(2023, 12, 12),
        D(2024, 1, 1),
        "Nye fastleger fritas fra legevakt og kommunale bistillinger de første to årene. " + DEMO,
    ),
    (
        "5035",
        "rekrutteringstilskudd",
        "aktiv",
        Decimal("150000"),
        "per_lege",
        "nye_fastleger",
        "Formannskapet",
        D(2024, 3, 5),
        D(2024, 4, 1),
        "Rekrutteringstilskudd for leger som vil spesialisere seg i allmennmedisin. " + DEMO,
    ),
    (
        "5035",
        "lavere-listetak",
        "vedtatt",
        Decimal("1000"),
        "per_lege",
        "alis",
        "Formannskapet",
        D(2024, 3, 5),
        D(2024, 8, 1),
        "ALIS-leger får listetak 1 000 i utdanningstiden. " + DEMO,
    ),
    (
        "5006",
        "fastlonn",
        "aktiv",
        Decimal("3"),
        "totalt",
        "nye_fastleger",
        "Kommunestyret",
        D(2022, 6, 15),
        D(2022, 9, 1),
        "Tre fastlønnede fastlegestillinger ved Steinkjer legesenter. " + DEMO,
    ),
    (
        "5007",
        "vikarordning",
        "planlagt",
        Decimal("2"),
        "totalt",
        "ubesatte_lister",
        "",
        None,
        D(2026, 3, 1),
        "Felles vikarordning for Namdalen, drøftet med nabokommunene. " + DEMO,
    ),
    (
        "5034",
        "driftstilskudd",
        "aktiv",
        Decimal("120000"),
        "per_lege",
        "alle_fastleger",
        "Kommunestyret",
        D(2022, 4, 25),
        D(2022, 7, 1),
        "Driftstilskudd for å beholde legene etter at dispensasjonene gikk ut. " + DEMO,
    ),
    (
        "5025",
        "videokonsultasjon",
        "aktiv",
        Decimal("40000"),
        "totalt",
        "legekontor",
        "Formannskapet",
        D(2021, 2, 9),
        D(2021, 3, 1),
        "Utstyr og lisenser for videokonsultasjon ved legekontoret. " + DEMO,
    ),
)

#: Source 001: the GPs' adjusted demands, with the measure type each asks for.
DEMANDS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Kommunalt tilskudd til drift av legesentrene",
        "driftstilskudd",
        "vurderes",
        "",
    ),
    (
        "Tilskudd til kompetanseheving",
        "kompetansetilskudd",
        "innfridd",
        "Kompetansetilskudd til spesialisering (vedtak 18.12.18 pkt. 2).",
    ),
    (
        "Rekrutteringsordninger / avlastningsordninger gjennom ALIS stillinger",
        "alis-stilling",
        "innfridd",
        "ALIS-stillinger med næringsdrift utredet av arbeidsgruppe 1.",
    ),
    (
        "Fritak fra kommunale deltidsstillinger og legevakt",
        "fritak-deltid-legevakt",
        "vurderes",
        "",
    ),
    (
        "Økonomisk kompensasjon til tidkrevende oppgaver som multidose og elektronisk "
        "meldingsutveksling",
        "kompensasjon-tidkrevende",
        "ikke_besvart",
        "",
    ),
    (
        "Kommunen bidrar til å bremse den ukontrollerte overføringen av oppgaver fra "
        "spesialisthelsetjenesten til fastlegene",
        "oppgaveoverforing",
        "delvis",
        "Rådmannen arbeider videre sammen med fastlegene (vedtak 18.12.18 pkt. 3).",
    ),
    ("Legge til rette for stengte legekontor om sommeren", "stengt-sommer", "ikke_besvart", ""),
    (
        "Overtar ansvar for vikar / driftsutgifter etter 16 dagers fravær når fastlegen selv "
        "ikke kan skaffe vikar",
        "vikarutgifter-fravaer",
        "vurderes",
        "Vikarordning er et hovedfokusområde i ny formannskapssak.",
    ),
    (
        "Dekke utgifter til etablering, utstyr, lisenser etc for videokonsultasjoner",
        "videokonsultasjon",
        "ikke_besvart",
        "",
    ),
    ("Dekke utgifter for bestilling av time via SMS", "sms-timebestilling", "avslatt", ""),
    ("Skaffe konferansetelefon for tolkeoppdrag", "tolketelefon", "ikke_besvart", ""),
    (
        "Dekke utgifter til anskaffelse av talegjenkjenning / diktering av journalnotat",
        "talegjenkjenning",
        "ikke_besvart",
        "",
    ),
)


class Command(BaseCommand):
    help = "Legger inn tiltak i Trøndelag og fastlegenes kravliste til Trondheim (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = sync_catalogue()
        if created:
            self.stdout.write(f"Tiltakskatalogen: {created} nye tiltakstyper.")
        if DemandList.objects.filter(municipality_id="5001", title=DEMANDS_TITLE).exists():
            self.stdout.write("Demodata for tiltak finnes allerede.")
            return
        if not Municipality.objects.filter(number="5001").exists():
            self.stdout.write(self.style.WARNING("Kjør «fastlege load_reference» først."))
            return
        types = dict(MeasureType.objects.values_list("code", "pk"))
        by_type: dict[str, int] = {}
        for number, code, status, value, basis, group, body, decided, start, text in MEASURES:
            measure = services.create_measure(
                None,
                number,
                services.MeasureData(
                    measure_type_id=types[code],
                    status=status,
                    value=value,
                    value_basis=basis,
                    target_group=group,
                    decision_body=body,
                    decided_on=decided,
                    starts_on=start,
                    description=text,
                    document_reference=(
                        "Formannskapssak 27.11.18 og 18.12.18" if number == "5001" else ""
                    ),
                ),
            )
            if number == "5001":
                by_type[code] = measure.pk
        demand_list = services.create_demand_list(
            None,
            "5001",
            title=DEMANDS_TITLE,
            submitted_by="Trønderopprøret (fastlegene i Trondheim)",
            received_on=D(2019, 4, 25),
            document_reference="Helseledersamling, Stiklestad 25.4.19 (kilde 001)",
            demands=[(text, types[code]) for text, code, _s, _a in DEMANDS],
        )
        for demand, (_text, code, status, answer) in zip(
            demand_list.demands.order_by("position"), DEMANDS, strict=True
        ):
            if status != "ikke_besvart" or answer:
                services.answer_demand(
                    None,
                    demand.pk,
                    status=status,
                    answer=answer,
                    measure_type_id=types[code],
                    measure_id=by_type.get(code),
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(MEASURES)} tiltak og en kravliste med {len(DEMANDS)} krav er registrert."
            )
        )
