"""The group's questions are rows since 0004_actions (which copied the text into
them); the old text field goes in a migration of its own, so that on PostgreSQL the
copied rows' deferred checks are done before the table is altered."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0007_actions"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="workgroup",
            name="questions_text",
        ),
    ]
