"""factory_boy factories for the domain. One place, shared by every test file."""

import factory
from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from lawyers.models import LawyerProfile

TEST_PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ClientOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientOrganisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Client Organisation {n}")
    join_code = factory.Sequence(lambda n: f"JOIN{n:06d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(ClientOrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


def ClientMemberFactory(
    *,
    organisation: ClientOrganisation | None = None,
    role: str = Membership.Role.MEMBER,
    **user_fields: object,
) -> User:
    """A user who is a member (or owner) of a client organisation."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation or ClientOrganisationFactory(), role=role)
    return user


class LawyerUserFactory(UserFactory):
    @factory.post_generation
    def lawyer_profile(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            LawyerProfile.objects.create(user=obj)
