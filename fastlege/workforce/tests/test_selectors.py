"""What the projection reads from the registry: GPs by age, the recruitment rate, and
a loaded projection on the page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import AgreementExtension
from fastlege.registry.tests.factories import AgreementFactory, DoctorFactory, DoctorPeriodFactory
from fastlege.workforce import selectors, services
from fastlege.workforce.models import Scenario

from .conftest import TRONDHEIM

pytestmark = pytest.mark.django_db
D = datetime.date


def period(doctor, start, end=None, municipality=TRONDHEIM):
    agreement = AgreementFactory.create(
        practice__municipality_id=municipality, valid_from=D(2015, 1, 1)
    )
    return DoctorPeriodFactory.create(
        agreement=agreement, doctor=doctor, valid_from=start, valid_to=end
    )


def test_recruitment_is_first_starts_over_the_stock_of_the_last_three_years():
    a = DoctorFactory.create()
    period(a, D(2020, 1, 1))  # in force 1.1.2023, 2024, 2025; not new
    b = DoctorFactory.create()
    period(b, D(2023, 3, 1))  # new in 2023; in force 1.1.2024 and 2025
    c = DoctorFactory.create()
    period(c, D(2025, 2, 1))  # new in 2025; in force on no 1 January
    d = DoctorFactory.create()
    period(d, D(2019, 1, 1), D(2024, 6, 1))  # 1.1.2023, 1.1.2024
    period(d, D(2024, 6, 1), municipality="5028")  # a second list: not new; 1.1.2025
    e = DoctorFactory.create()
    period(e, D(2026, 1, 15))  # new in 2026: outside the three years
    # stock: 2 (2023: a, d) + 3 (2024: a, b, d) + 3 (2025: a, b, d) = 8; new: b, c = 2
    assert selectors.measured_recruitment(D(2026, 6, 1)) == pytest.approx(2 / 8)


def test_no_history_gives_the_documented_default():
    assert selectors.measured_recruitment(D(2026, 6, 1)) is None
    assert selectors.recruitment_rate(D(2026, 6, 1)) == (pytest.approx(0.10), False)


def test_gps_by_age_count_a_doctor_once_per_municipality():
    on = D(2026, 6, 1)
    a = DoctorFactory.create(birth_date=D(1980, 6, 2))  # 45 on 1 June 2026
    period(a, D(2020, 1, 1))
    period(a, D(2021, 1, 1))  # a second list in Trondheim
    b = DoctorFactory.create(birth_date=D(1960, 6, 1))  # 66
    period(b, D(2020, 1, 1))
    period(DoctorFactory.create(), D(2020, 1, 1), D(2026, 1, 1))  # ended: not counted
    ages = selectors.gp_ages(on, [TRONDHEIM])
    vector = ages[TRONDHEIM]
    assert sum(vector) == 2
    assert vector[45] == 1 and vector[66] == 1


def test_the_loaded_projection_feeds_the_innlest_variant(users):
    services.import_population(
        None,
        "kommunenummer;år;personer\n"
        + "".join(f"{TRONDHEIM};{y};{300_000 + y}\n" for y in range(2026, 2041)),
    )
    officer = users["municipality"]
    data = services.ScenarioData.defaults("Innlest")
    data.population_variant = "innlest"
    mine = services.create_scenario(officer, data)
    c = Client()
    c.force_login(officer)
    url = reverse("workforce:municipality", args=[TRONDHEIM]) + f"?s={mine.pk}&format=csv-maskin"
    rows = c.get(url).content.decode().splitlines()
    assert rows[0].startswith("omrade,scenario,ar,folkemengde")
    by_year = {int(r.split(",")[2]): r.split(",") for r in rows[1:]}
    assert by_year[2040][3] == str(300_000 + 2040)
    assert float(by_year[2040][4]) == pytest.approx((300_000 + 2040) / 946, abs=0.05)
    assert Scenario.objects.filter(population_variant="innlest").count() == 1


def test_a_gp_with_an_extension_leaves_on_the_registry_rules_day():
    """The extension's end comes from ``rules.agreement_ends_for_age_on``: a GP born
    10.5.1955 (71 on 1.6.2026) extended until 1.3.2028 leaves then; counted in 2026,
    2027 and 2028, not 2029."""
    on = D(2026, 6, 1)
    gp = DoctorFactory.create(birth_date=D(1955, 5, 10))
    p = period(gp, D(2010, 1, 1))
    AgreementExtension.objects.create(
        agreement=p.agreement,
        doctor=gp,
        decided_on=D(2025, 1, 1),
        valid_until=D(2028, 3, 1),
        reason="Rekrutteringsproblemer",
    )
    young = DoctorFactory.create(birth_date=D(1990, 1, 1))
    period(young, D(2020, 1, 1))
    stock = selectors.gp_stock(on, [TRONDHEIM])
    assert stock.extended_until(TRONDHEIM) == [D(2028, 3, 1)]
    assert sum(stock.ages[TRONDHEIM]) == 1  # the young one
    assert sum(selectors.gp_ages(on, [TRONDHEIM])[TRONDHEIM]) == 2
    preset = Scenario.objects.get(preset="som_i_dag")
    data = selectors.Inputs(
        on=on,
        years=[2026, 2027, 2028, 2029],
        stock=stock.ages,
        extended=stock,
        history={TRONDHEIM: {2026: 1000}},
        loaded={},
        recruitment=0.0,
        recruitment_measured=False,
    )
    rows = selectors.project_municipalities(data, [TRONDHEIM], preset)[TRONDHEIM]
    keep = 1 - float(preset.attrition_65_plus)
    young_left = [1, 1 - 0.06, (1 - 0.06) ** 2, (1 - 0.06) ** 3]  # under 40: 6 % a year
    extended_left = [1, keep, keep**2, 0]
    assert [r.expected for r in rows] == pytest.approx(
        [y + e for y, e in zip(young_left, extended_left, strict=True)]
    )
