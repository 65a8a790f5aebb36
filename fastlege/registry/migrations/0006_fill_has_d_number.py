"""Fill ``Resident.has_d_number`` for the rows that exist (derived from the identity number).

A D-number has its first digit raised by 4 (``fastlege.core.identity.is_d_number``):
a valid 11-digit number is a D-number exactly when it sorts at or after "4".
Two UPDATEs, no rows read into Python: the D-number rows set, and any other row
that is wrongly set cleared. The column was added with ``db_default=False``
(0005), so the second touches only rows marked true (the partial index
``resident_d_number_idx``): clearing every ordinary row instead (5.6 million
nationally, each firing the read models' triggers) took longer than a quarter
of an hour and changed nothing.
"""

from __future__ import annotations

from django.db import migrations


def fill(apps, schema_editor):
    Resident = apps.get_model("registry", "Resident")
    Resident.objects.filter(nin__gte="4").update(has_d_number=True)
    Resident.objects.filter(nin__lt="4", has_d_number=True).update(has_d_number=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_d_number_and_sami_language")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
