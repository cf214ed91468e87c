from datetime import date
from decimal import Decimal

import factory

from accounts.models import Post, Role, User
from property.models import (
    Building,
    Community,
    Compound,
    Household,
    Relation,
    Residency,
    Resident,
    Subdistrict,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pw-test-1234")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict

    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试小区{n}")
    year_built = 1995
    is_old = True


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n + 1}号楼")
    floors = 6


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    unit_label = factory.Sequence(lambda n: f"1-{n + 101}")
    floor = 1
    building_area = Decimal("88.50")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    name = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    resident = factory.SubFactory(ResidentFactory)
    household = factory.SubFactory(HouseholdFactory)
    relation = Relation.OWNER
    started_on = date(2020, 1, 1)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    user = factory.SubFactory(UserFactory)
    role = Role.COMMUNITY_WORKER
    community = factory.SubFactory(CommunityFactory)
    started_on = date(2020, 1, 1)


def renovated(compound, year: int):
    """The compound renovated in `year`: a project handed over, carried over from an earlier record."""
    from renovation.models import Project, Stage

    project = Project.objects.create(
        name=f"{compound.name} {year}", community=compound.community, year=year, stage=Stage.HANDED_OVER
    )
    project.compounds.set([compound])
    return project
