"""The preset scenarios (idempotent; ``presets.sync_presets``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from fastlege.workforce.presets import sync_presets

    sync_presets(apps.get_model("workforce", "Scenario"))


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
