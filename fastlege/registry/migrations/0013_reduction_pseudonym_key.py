from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_notification_receipt"),
    ]

    operations = [
        migrations.AddField(
            model_name="listreduction",
            name="seed_given",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Nei: frøet ble trukket tilfeldig av systemet da reduksjonen ble forberedt."
                ),
                verbose_name="frø oppgitt av den som forberedte",
            ),
        ),
        migrations.AddField(
            model_name="listreduction",
            name="pseudonym_key",
            field=models.CharField(
                blank=True,
                default="",
                help_text=(
                    "Hemmelig nøkkel (heksadesimal) som husstandenes pseudonymer i den "
                    "publiserte trekningen lages med. Tom for trekninger med metode v1."
                ),
                max_length=64,
                verbose_name="nøkkel for husstandspseudonymer",
            ),
        ),
    ]
