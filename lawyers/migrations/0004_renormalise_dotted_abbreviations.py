"""Stored organisation names normalised again: a dot inside a word ("L.L.P.", "A.G.") is now dropped
rather than made a space, so "Kestrel L.L.P." compares equal to "Kestrel LLP".

Only the rows whose value changes are written; a declared conflict that becomes a duplicate of
another of the same lawyer's is deleted (see 0002, whose helpers this reuses).
"""

import importlib

from django.db import migrations

_0002 = importlib.import_module("lawyers.migrations.0002_experience_organisation_normalised")


def renormalise_employers(apps, schema_editor):
    Experience = apps.get_model("lawyers", "Experience")
    normalise = _0002._normaliser()
    for rows in _0002._batches(Experience, ["organisation", "organisation_normalised"]):
        changed = [(pk, normalise(name)) for pk, name, stored in rows if normalise(name) != stored]
        _0002._write(Experience, "organisation_normalised", changed, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("lawyers", "0003_indexes_for_matching_and_lists"),
    ]

    operations = [
        migrations.RunPython(renormalise_employers, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(
            _0002.renormalise_conflicts_and_sanctions, migrations.RunPython.noop, elidable=False
        ),
    ]
