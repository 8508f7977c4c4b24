"""Load ISO 3166 jurisdictions, the practice-area taxonomy and seed exchange rates on `migrate`."""

from django.db import migrations


def load_reference_data(apps, schema_editor):
    from jurisdictions.services import reference_data_load

    reference_data_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: other apps' rows point at them, and loading again skips them.
        migrations.RunPython(load_reference_data, migrations.RunPython.noop, elidable=False),
    ]
