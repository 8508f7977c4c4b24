"""Data migrations of the lawyers app: stored organisation names, normalised by the one normaliser."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lawyers", "0001_initial")]
AFTER = [("lawyers", "0002_experience_organisation_normalised")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrated_back_with_a_lawyer(target, email):  # type: ignore[no-untyped-def]
    """The schema migrated back to `target`, its models, and a lawyer profile created with them."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    old = executor.loader.project_state(target).apps
    User = old.get_model("accounts", "User")
    profile = old.get_model("lawyers", "LawyerProfile").objects.create(
        user=User.objects.create(email=email, full_name="Old Data")
    )
    return executor, old, profile


@pytest.mark.django_db(transaction=True)
def test_employers_are_filled_and_names_normalised_again_with_the_unified_rule():
    executor, old, profile = _migrated_back_with_a_lawyer(BEFORE, "old@lawyers.test")
    Experience = old.get_model("lawyers", "Experience")
    for organisation in ("Müller & Söhne GmbH", "Initech Pte. Ltd."):
        Experience.objects.create(
            profile=profile, organisation=organisation, role="Counsel", start_date=dt.date(2010, 1, 1)
        )
    Conflict = old.get_model("lawyers", "DeclaredConflict")
    # Stored by the old rule (accents kept): two rows, one organisation under the new rule.
    Conflict.objects.create(profile=profile, organisation="Müller AG", organisation_normalised="müller ag")
    Conflict.objects.create(profile=profile, organisation="Muller AG", organisation_normalised="muller ag")
    Conflict.objects.create(
        profile=profile, organisation="Société Générale", organisation_normalised="société générale"
    )
    old.get_model("lawyers", "SanctionedEntry").objects.create(
        name="José Núñez", name_normalised="josé núñez", source="List"
    )

    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    experiences = new.get_model("lawyers", "Experience").objects.order_by("pk")
    assert [e.organisation_normalised for e in experiences] == ["muller & sohne gmbh", "initech pte ltd"]
    conflicts = new.get_model("lawyers", "DeclaredConflict").objects.order_by("pk")
    # "Müller AG" is now "Muller AG", already declared: one row left for the organisation
    assert [(c.organisation, c.organisation_normalised) for c in conflicts] == [
        ("Muller AG", "muller ag"),
        ("Société Générale", "societe generale"),
    ]
    assert new.get_model("lawyers", "SanctionedEntry").objects.get().name_normalised == "jose nunez"


@pytest.mark.django_db(transaction=True)
def test_dotted_abbreviations_compare_equal_to_their_undotted_spelling_after_0004():
    before, after = (
        [("lawyers", "0003_indexes_for_matching_and_lists")],
        [("lawyers", "0004_renormalise_dotted_abbreviations")],
    )
    executor, old, profile = _migrated_back_with_a_lawyer(before, "dots@lawyers.test")
    Experience = old.get_model("lawyers", "Experience")
    for organisation, stored in (
        ("Kestrel L.L.P.", "kestrel l l p"),
        ("Initech Pte. Ltd.", "initech pte ltd"),
    ):
        Experience.objects.create(
            profile=profile,
            organisation=organisation,
            organisation_normalised=stored,
            role="Counsel",
            start_date=dt.date(2010, 1, 1),
        )
    Conflict = old.get_model("lawyers", "DeclaredConflict")
    # under the new rule these two are one organisation: one row stays
    Conflict.objects.create(profile=profile, organisation="Müller AG", organisation_normalised="muller ag")
    Conflict.objects.create(profile=profile, organisation="Muller A.G.", organisation_normalised="muller a g")

    executor.loader.build_graph()
    executor.migrate(after)

    new = executor.loader.project_state(after).apps
    experiences = new.get_model("lawyers", "Experience").objects.order_by("pk")
    assert [e.organisation_normalised for e in experiences] == ["kestrel llp", "initech pte ltd"]
    conflicts = new.get_model("lawyers", "DeclaredConflict").objects.all()
    assert [(c.organisation, c.organisation_normalised) for c in conflicts] == [("Müller AG", "muller ag")]
