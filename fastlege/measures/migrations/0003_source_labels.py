"""Relabel the catalogue's sources written by 0002: a document and its author, not an
internal reference («Kilde 001», «domain.md § 10»). Only the old text is replaced, so a
source a user has edited keeps the user's words."""

from django.db import migrations

#: Old label → new label (frozen here: the catalogue's constants may change later).
RELABEL = (
    (
        "Kilde 001: Fastlegeopprørets krav til kommunen (Trondheim, 2019)",
        "Fastlegenes kravliste til kommunen (kommuneoverlegen i Trondheim, Stiklestad 25.4.2019)",
    ),
    (
        "Kilde 001: formannskapets vedtak 18.12.2018 (Trondheim)",
        "Formannskapets vedtak 18.12.2018 (Trondheim kommune)",
    ),
    (
        "Kilde 001: felles grep i Trøndelag",
        "Felles grep i Trøndelag (kommuneoverlegen i Trondheim, Stiklestad 25.4.2019)",
    ),
    (
        "Handlingsplan for allmennlegetjenesten 2020–2024 (domain.md § 10)",
        "Regjeringens handlingsplan for allmennlegetjenesten 2020–2024",
    ),
)


def relabel(apps, schema_editor):
    MeasureType = apps.get_model("measures", "MeasureType")
    for measure_type in MeasureType.objects.all():  # the catalogue: a few dozen rows
        source = measure_type.source
        for old, new in RELABEL:
            source = source.replace(old, new)
        if source != measure_type.source:
            MeasureType.objects.filter(pk=measure_type.pk).update(source=source)


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_catalogue")]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
