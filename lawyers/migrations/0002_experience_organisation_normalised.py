"""Employers normalised for the conflict check, and one normaliser for every stored organisation name.

`Experience.organisation_normalised` is added empty, filled in batches, then indexed (building the
index once is faster than keeping it up to date row by row). Declared conflicts and sanctioned names
are normalised again with the unified normaliser (it now also strips accents, as a matter's
counterparties always were); only the rows whose value changes are written. A declared conflict
that the new rule makes a duplicate of another of the same lawyer's names the same organisation:
it is deleted, and the one already stored under the new name stays.
"""

from django.db import migrations, models

BATCH = 5000


def _batches(model, fields):
    """(pk, *fields) rows in primary-key order, BATCH at a time."""
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _normaliser():
    from lawyers.rules import normalise_organisation_name

    cache: dict[str, str] = {}

    def normalise(value: str) -> str:
        if value not in cache:
            cache[value] = normalise_organisation_name(value)
        return cache[value]

    return normalise


def _write(model, column, changed, schema_editor):
    """Set `column` to the new value of each (pk, value), in one statement per batch."""
    if not changed:
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {quote(column)} = v.value"  # noqa: S608 - names from the model
                f" FROM unnest(%s::bigint[], %s::text[]) AS v(id, value) WHERE t.{pk} = v.id",
                [[pk_value for pk_value, _ in changed], [value for _, value in changed]],
            )
    else:
        model.objects.bulk_update(
            [model(pk=pk_value, **{column: value}) for pk_value, value in changed], [column], batch_size=500
        )


def fill_experience(apps, schema_editor):
    Experience = apps.get_model("lawyers", "Experience")
    normalise = _normaliser()
    for rows in _batches(Experience, ["organisation"]):
        changed = [(pk, normalise(name)) for pk, name in rows]
        _write(Experience, "organisation_normalised", [(pk, n) for pk, n in changed if n], schema_editor)


def renormalise_conflicts_and_sanctions(apps, schema_editor):
    DeclaredConflict = apps.get_model("lawyers", "DeclaredConflict")
    SanctionedEntry = apps.get_model("lawyers", "SanctionedEntry")
    normalise = _normaliser()
    for rows in _batches(DeclaredConflict, ["profile_id", "organisation", "organisation_normalised"]):
        for pk, profile_id, organisation, stored in rows:
            value = normalise(organisation)
            if value == stored:
                continue
            # Rare (accented or compatibility characters): row by row, so a duplicate is seen.
            if DeclaredConflict.objects.filter(profile_id=profile_id, organisation_normalised=value).exists():
                DeclaredConflict.objects.filter(pk=pk).delete()
            else:
                DeclaredConflict.objects.filter(pk=pk).update(organisation_normalised=value)
    for rows in _batches(SanctionedEntry, ["name", "name_normalised"]):
        changed = [(pk, normalise(name)) for pk, name, stored in rows if normalise(name) != stored]
        _write(SanctionedEntry, "name_normalised", changed, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("lawyers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="experience",
            name="organisation_normalised",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        # Reversing leaves the values: the column goes with the field, the others stay comparable.
        migrations.RunPython(fill_experience, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(renormalise_conflicts_and_sanctions, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="experience",
            index=models.Index(
                fields=["organisation_normalised", "profile"], name="experience_organisation_idx"
            ),
        ),
    ]
