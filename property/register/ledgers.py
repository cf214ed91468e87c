"""The households ledger (房屋与居民台账) as rows for property.ledgers to write, in the households
import's own columns (property.imports.households), so that an edited export imports back."""

from collections.abc import Iterator

from django.db.models import FilteredRelation
from django.utils import timezone

from accounts.permissions import can_see_full_phones, mask_phone
from core import periods
from property.imports.households import AREA_SOURCE_WORDS, RELATION_WORDS
from property.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from property.ledgers import CHUNK
from property.models import Community


def household_columns() -> list[str]:
    """The import's own headers, so that an exported ledger, edited, imports back."""
    return [column.header for column in HOUSEHOLD_COLUMNS]


def household_rows(households, user) -> Iterator[tuple]:
    """A row per person living in or owning each unit (a unit nobody is registered in: one row with
    the person's cells empty). Mobiles are masked unless the user may see them; ID numbers are only
    ever kept masked."""
    # The people whose relation to the unit is in force or yet to come, as the import reads them.
    current = periods.in_force_from(timezone.localdate(), "residencies")
    rows = (
        households.annotate(current=FilteredRelation("residencies", condition=current))
        .order_by(
            "building__compound_id", "building__name", "unit_label", "current__started_on", "current__id"
        )
        .values_list(
            "building__compound__community_id",
            "building__compound__community__subdistrict_id",
            "building__name",
            "unit_label",
            "floor",
            "building_area",
            "inner_area",
            "area_source",
            "held_by_developer",
            "current__resident__name",
            "current__relation",
            "current__resident__phone",
            "current__resident__user_id",
            "current__resident__id_number_masked",
            "current__resident__is_party_member",
            "current__started_on",
        )
    )
    full_phones: dict[int, bool] = {}
    yes_no = {True: "是", False: "否", None: ""}
    for row in rows.iterator(chunk_size=CHUNK):
        (community, subdistrict, building, label, floor, area, inner, source, held) = row[:9]
        name, relation, phone, user_id, id_masked, party, since = row[9:]
        if community not in full_phones:
            place = Community(id=community, subdistrict_id=subdistrict)
            full_phones[community] = can_see_full_phones(user, place)
        if phone and not (full_phones[community] or user_id == user.pk):
            phone = mask_phone(phone)
        yield (
            building,
            "",
            label,
            floor,
            area,
            inner,
            AREA_SOURCE_WORDS[source],
            name or "",
            RELATION_WORDS.get(relation, ""),
            phone or "",
            id_masked or "",
            yes_no[party],
            since,
            yes_no[held],
        )
