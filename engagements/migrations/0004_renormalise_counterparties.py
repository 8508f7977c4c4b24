"""Matters' counterparties normalised again with the conflict check's rule, which now drops a dot
inside a word ("L.L.P." is "llp"); see lawyers 0004. Only changed matters are written."""

from django.db import migrations


def renormalise_counterparties(apps, schema_editor):
    from engagements.rules import counterparties_clean

    Matter = apps.get_model("engagements", "Matter")
    changed = []
    for matter in Matter.objects.only("pk", "counterparties", "counterparties_normalised").iterator(
        chunk_size=2000
    ):
        _, normalised = counterparties_clean(matter.counterparties or [])
        if normalised != matter.counterparties_normalised:
            matter.counterparties_normalised = normalised
            changed.append(matter)
    Matter.objects.bulk_update(changed, ["counterparties_normalised"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0003_offers_engagements"),
    ]

    operations = [
        migrations.RunPython(renormalise_counterparties, migrations.RunPython.noop, elidable=False),
    ]
