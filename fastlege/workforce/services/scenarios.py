"""Creating, copying and changing scenarios (docs/workforce.md, «Scenarioer»).

Presets are read only; a planner copies one (or their own) and edits the copy. Each
figure is checked against ``parameters.RANGES``; any error refuses the whole change
with a Norwegian message per field, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.registry.services.access import scope_of
from fastlege.stats.numbers import num
from fastlege.workforce.models import Scenario
from fastlege.workforce.parameters import RANGES
from fastlege.workforce.presets import PARAMETER_FIELDS, default_figures
from fastlege.workforce.selectors import may_edit, visible_q

from .access import is_planner
from .errors import Code, ScenarioInvalid, refuse

NAME_MAX = 120
INTEGER_FIELDS = frozenset({"target_list_length", "extension_years"})


@dataclass
class ScenarioData:
    name: str
    description: str = ""
    target_list_length: Any = None
    listing_rate: Any = None
    population_variant: str = Scenario.PopulationVariant.TREND
    attrition_under_40: Any = None
    attrition_40_54: Any = None
    attrition_55_64: Any = None
    attrition_65_plus: Any = None
    share_extended: Any = None
    extension_years: Any = None
    recruitment_rate: Any = None  # None: measured from the registry
    alis_completions_per_100: Any = None
    fte_per_gp: Any = None

    @classmethod
    def defaults(cls, name: str) -> ScenarioData:
        return cls(name=name, **default_figures())

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioData:
        return cls(
            name=scenario.name,
            description=scenario.description,
            **{f: getattr(scenario, f) for f in PARAMETER_FIELDS},
        )


def _number(raw: Any, integer: bool) -> Decimal | int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        d = Decimal(str(raw).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    if integer:
        return int(d) if d == d.to_integral_value() else None
    return d


def clean(data: ScenarioData) -> dict[str, Any]:
    """The scenario's fields, checked; ``ScenarioInvalid`` lists every bad field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("Navnet kan ikke være tomt.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Navnet kan ha høyst %(n)s tegn.") % {"n": NAME_MAX}
    out["name"] = name
    out["description"] = (data.description or "").strip()
    if data.population_variant not in Scenario.PopulationVariant.values:
        errors["population_variant"] = _("Velg en av befolkningsutviklingene.")
    out["population_variant"] = data.population_variant
    for field, (lo, hi) in RANGES.items():
        raw = getattr(data, field)
        integer = field in INTEGER_FIELDS
        if field == "recruitment_rate" and (raw is None or str(raw).strip() == ""):
            out[field] = None
            continue
        value = _number(raw, integer)
        if value is None:
            errors[field] = _("Skriv et helt tall.") if integer else _("Skriv et tall.")
            continue
        if not lo <= value <= hi:
            errors[field] = _("Må være mellom %(lo)s og %(hi)s.") % {"lo": num(lo), "hi": num(hi)}
            continue
        if not integer:
            places = Scenario._meta.get_field(field).decimal_places  # type: ignore[union-attr]
            quantum = Decimal(1).scaleb(-int(places or 0))
            if Decimal(value).quantize(quantum) != value:
                errors[field] = _("Høyst %(n)s desimaler.") % {"n": places}
                continue
            value = Decimal(value).quantize(quantum)
        out[field] = value
    if errors:
        raise ScenarioInvalid(errors)
    return out


def _visible(actor: Any, scenario_id: int) -> Scenario:
    scenario = Scenario.objects.filter(visible_q(actor), pk=scenario_id).first()
    if scenario is None:
        refuse(Code.UNKNOWN_SCENARIO)
    return scenario


def _home_area(actor: Any) -> dict[str, Any]:
    scope = scope_of(actor)
    if scope.municipalities:
        return {"municipality_id": sorted(scope.municipalities)[0]}
    if scope.counties:
        return {"county_id": sorted(scope.counties)[0]}
    return {}


def _require_planner(actor: Any) -> None:
    if actor is None or not is_planner(actor):
        refuse(Code.NOT_AUTHORISED)


@transaction.atomic
def create_scenario(actor: Any, data: ScenarioData, *, county_id: str = "") -> Scenario:
    """A new scenario of ``actor``'s, for their municipality or county. The system
    (``actor`` None: commands such as the demo) names the county instead."""
    if actor is None:
        area: dict[str, Any] = {"county_id": county_id} if county_id else {}
    else:
        _require_planner(actor)
        area = _home_area(actor)
    fields = clean(data)
    scenario = Scenario(created_by=actor, **area, **fields)
    audit.insert_and_record(actor, "workforce.scenario_create", scenario, name=scenario.name)
    return scenario


@transaction.atomic
def copy_scenario(actor: Any, scenario_id: int, name: str = "") -> Scenario:
    """A copy of a preset or of the user's own scenario, owned by the user."""
    _require_planner(actor)
    source = _visible(actor, scenario_id)
    data = ScenarioData.of(source)
    data.name = name.strip() or (_("Kopi av %(name)s") % {"name": source.name})[:NAME_MAX]
    fields = clean(data)
    scenario = Scenario(created_by=actor, copied_from=source, **_home_area(actor), **fields)
    audit.insert_and_record(
        actor, "workforce.scenario_copy", scenario, copied_from=source.pk, name=scenario.name
    )
    return scenario


@transaction.atomic
def update_scenario(actor: Any, scenario_id: int, data: ScenarioData) -> Scenario:
    """Change the user's own scenario; presets are read only."""
    _require_planner(actor)
    scenario = (
        Scenario.objects.select_for_update(of=("self",))
        .filter(visible_q(actor), pk=scenario_id)
        .first()
    )
    if scenario is None:
        refuse(Code.UNKNOWN_SCENARIO)
    if scenario.is_preset:
        refuse(Code.PRESET_READ_ONLY)
    if not may_edit(actor, scenario):
        refuse(Code.NOT_OWNER)
    fields = clean(data)
    before = {k: getattr(scenario, k) for k in fields}
    changed = {k: v for k, v in fields.items() if before[k] != v}
    for k, v in changed.items():
        setattr(scenario, k, v)
    scenario.save()
    audit.record(
        actor,
        "workforce.scenario_update",
        scenario,
        changed={k: str(v) for k, v in changed.items()},
    )
    return scenario


def data_dict(data: ScenarioData) -> dict[str, Any]:
    return asdict(data)
