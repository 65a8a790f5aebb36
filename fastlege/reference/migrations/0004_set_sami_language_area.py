"""Mark the municipalities of forvaltningsområdet for samisk språk (fastlegeforskriften § 36).

A frozen copy of ``fastlege.reference.sami.SAMI_LANGUAGE_AREA`` as of this
migration (a migration must not change when the code does). **Unverified**:
see that module. Municipalities not loaded yet are set by the loader.
"""

from __future__ import annotations

from django.db import migrations

SAMI_LANGUAGE_AREA = (
    "5610",  # Karasjok
    "5612",  # Kautokeino
    "5622",  # Porsanger
    "5628",  # Tana
    "5636",  # Nesseby
    "5540",  # Kåfjord
    "5518",  # Lavangen
    "5512",  # Tjeldsund
    "1875",  # Hamarøy
    "1826",  # Hattfjelldal
    "5043",  # Røyrvik
    "5041",  # Snåsa
    "5025",  # Røros
)


def mark(apps, schema_editor):
    Municipality = apps.get_model("reference", "Municipality")
    Municipality.objects.filter(number__in=SAMI_LANGUAGE_AREA).update(sami_language_area=True)


def unmark(apps, schema_editor):
    Municipality = apps.get_model("reference", "Municipality")
    Municipality.objects.update(sami_language_area=False)


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_sami_language_area")]

    operations = [migrations.RunPython(mark, unmark)]
