"""The register's API schemas."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema
from pydantic import BaseModel

from core.validation import HistoryDate, UnitArea
from property.models import AreaSource, ManagementMode, Relation

Money = Decimal


class CommunityIn(Schema):
    subdistrict: int
    name: str = Field(min_length=1, max_length=60)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)


class CommunityOut(Schema):
    id: int
    subdistrict: int = Field(alias="subdistrict_id")
    subdistrict_name: str = Field(alias="subdistrict.name")
    name: str
    address: str
    phone: str


class CompoundIn(Schema):
    community: int
    name: str = Field(min_length=1, max_length=80)
    address: str = Field("", max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    is_old: bool = False
    management_mode: ManagementMode = ManagementMode.NONE


class CompoundPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    address: str | None = Field(None, max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    is_old: bool | None = None
    management_mode: ManagementMode | None = None


class ManagementPlanIn(Schema):
    adopted_on: HistoryDate
    text: str = Field(min_length=1, max_length=20000)
    management_mode: ManagementMode | None = Field(None, description="The mode the plan settles, if any")


class ManagementPlanOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    adopted_on: date
    text: str


class CompoundOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    community_name: str = Field(alias="community.name")
    name: str
    address: str
    year_built: int | None
    is_old: bool
    management_mode: ManagementMode


class RenovationOut(Schema):
    """A renovation project handed over that covers the compound: the money is the whole project's,
    shared by `compound_count` compounds."""

    id: int = Field(description="The renovation project")
    name: str
    year: int
    handed_over_on: date | None
    items: list[str]
    investment: Money = Field(description="Received, all sources")
    funding_government: Money
    funding_residents: Money
    funding_companies: Money
    compound_count: int


class PlanOut(Schema):
    adopted_on: date
    text: str


class ContractOut(Schema):
    provider: str = Field(alias="provider.name")
    starts_on: date
    ends_on: date
    service_standard: str


class CompoundDetailOut(CompoundOut):
    building_count: int
    household_count: int
    renovations: list[RenovationOut]
    management_plan: PlanOut | None
    service_contracts: list[ContractOut]

    @staticmethod
    def resolve_management_plan(obj):
        plans = list(obj.management_plans.all())
        return plans[0] if plans else None


class BuildingIn(Schema):
    compound: int
    name: str = Field(min_length=1, max_length=40)
    floors: int = Field(ge=1, le=200)
    entrances: int = Field(1, ge=1, le=50)


class BuildingOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    name: str
    floors: int
    entrances: int


class HouseholdIn(Schema):
    building: int
    unit_label: str = Field(min_length=1, max_length=20)
    floor: int
    building_area: UnitArea | None = Field(None, description="m²; leave out while unknown.")
    inner_area: UnitArea | None = None
    area_source: AreaSource = AreaSource.REGISTER
    is_vacant: bool = False
    held_by_developer: bool = Field(
        False, description="Unsold: counts with the developer's other units in votes"
    )


class HouseholdPatch(Schema):
    """A unit's facts corrected: an area with where it comes from (a survey, the contract), a unit
    sold or still with the developer. Every change is kept as history; a vote's frozen roll keeps
    the areas it froze."""

    building_area: UnitArea | None = None
    inner_area: UnitArea | None = None
    area_source: AreaSource | None = Field(None, description="Required with a changed area")
    is_vacant: bool | None = None
    held_by_developer: bool | None = None


class ResidencyIn(Schema):
    resident: int
    household: int
    relation: Relation
    started_on: HistoryDate


class HouseholdOut(BaseModel):
    """Validated from the dicts of selectors.household_rows: no per-object attribute lookups on the hot list."""

    id: int
    building: int = Field(validation_alias="building_id")
    building_name: str = Field(validation_alias="building__name")
    compound: int = Field(validation_alias="building__compound_id")
    unit_label: str
    floor: int
    building_area: Decimal | None
    inner_area: Decimal | None
    area_source: AreaSource
    is_vacant: bool
    held_by_developer: bool


class HouseholdResidentOut(Schema):
    residency: int
    resident: int
    name: str
    phone: str
    relation: Relation
    started_on: date
    ended_on: date | None
    is_party_member: bool


class HouseholdDetailOut(HouseholdOut):
    compound_name: str = Field(validation_alias="building__compound__name")
    residents: list[HouseholdResidentOut]


class ResidentIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    phone: str = Field(
        "", pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})?$", description="A mobile or landline number."
    )
    id_number: str = Field(
        "", max_length=18, description="Checked, then stored only masked and as a keyed hash."
    )
    is_party_member: bool = False
    household: int
    relation: Relation = Relation.OWNER
    started_on: HistoryDate
    confirm_new: bool = Field(
        False,
        description="A person of the same name is registered in the compound (or the same name and "
        "phone anywhere): the first answer is 409 `possible_duplicate` with the `candidates`; "
        "true registers a different person anyway.",
    )


class ResidencyOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    relation: Relation
    started_on: date
    ended_on: date | None


class ResidentOut(Schema):
    id: int
    name: str
    phone: str
    id_number_masked: str
    is_party_member: bool
    residencies: list[ResidencyOut]

    @staticmethod
    def resolve_phone(obj, context):
        from property.register.permissions import phone_for_viewer

        return phone_for_viewer(context["request"].user, obj)

    @staticmethod
    def resolve_residencies(obj):
        return list(obj.residencies.all())


class ResidencyEndIn(Schema):
    ended_on: HistoryDate
