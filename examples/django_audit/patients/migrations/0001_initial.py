from django.db import migrations, models

import patients.models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Patient",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.CharField(default=patients.models.new_public_id, max_length=32, unique=True)),
                ("name", models.CharField(max_length=200)),
                ("ssn", models.CharField(max_length=11)),
                ("date_of_birth", models.DateField()),
            ],
        ),
    ]
