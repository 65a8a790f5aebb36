"""Seed the shared catalogue of measure types from the sources (idempotent)."""

from django.db import migrations


def seed(apps, schema_editor):
    from fastlege.measures.catalogue import sync_catalogue

    sync_catalogue(apps.get_model("measures", "MeasureType"))


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
