"""The households ledger (房屋与居民): its columns, the check of each row against the compound's
register (the dry run), the plan of what it would write (new units, people and relations in bulk;
each change through the register's services) and the write."""

import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import mask_phone
from core import bounds
from core.errors import Invalid
from core.periods import in_force_from
from property.imports.reading import (
    MASKED_ID,
    Column,
    NumericText,
    Problems,
    _choice,
    _flag,
    _too_long,
    locate,
    match_headers,
    number_text,
    parse_date,
    row_values,
)
from property.imports.runs import Change, Kind, Plan, accepted, apply_updates, change_key, to_ask
from property.models import Household, Relation, Residency, Resident
from property.register import permissions, services
from property.register.permissions import require_register
from property.register.selectors import told_apart
from property.register.services import areas_check, floor_check, id_number_check

COLUMNS = (
    Column(
        "building",
        "楼栋",
        gettext_lazy("Required. e.g. 3号楼"),
        True,
        ("楼号", "楼幢", "幢号", "栋号", "楼栋号", "building"),
    ),
    Column("entrance", "单元", gettext_lazy("e.g. 2; leave empty if none"), False, ("单元号", "entrance")),
    Column(
        "unit",
        "房号",
        gettext_lazy("Required. e.g. 2-502"),
        True,
        ("门牌号", "户号", "室号", "房间号", "房屋编号", "unit"),
    ),
    Column(
        "floor",
        "楼层",
        gettext_lazy("A whole number; basements below 0. Without this column, read from the room number"),
        False,
        ("层", "所在楼层", "floor"),
    ),
    Column(
        "building_area",
        "建筑面积",
        gettext_lazy("m², e.g. 72.5"),
        False,
        ("面积", "建筑面积㎡", "建筑面积m2", "建筑面积平方米", "building area"),
    ),
    Column(
        "inner_area",
        "套内面积",
        gettext_lazy("m²; not more than the building area"),
        False,
        ("套内建筑面积", "套内", "inner area"),
    ),
    Column(
        "area_source",
        "面积来源",
        gettext_lazy("登记, 测绘 or 合同; 登记 when empty"),
        False,
        ("面积依据", "area source"),
    ),
    Column(
        "name",
        "姓名",
        gettext_lazy("Required for a person; empty for a unit with nobody registered"),
        False,
        ("业主姓名", "户主", "户主姓名", "居民姓名", "name"),
    ),
    Column(
        "relation",
        "关系",
        gettext_lazy("业主, 家属 or 租户; when empty, the check page asks"),
        False,
        ("与房屋关系", "身份", "relation"),
    ),
    Column(
        "mobile",
        "手机",
        gettext_lazy("11 digits"),
        False,
        ("手机号", "手机号码", "联系电话", "电话", "mobile", "phone"),
    ),
    Column(
        "id_number",
        "身份证号",
        gettext_lazy("18 characters; checked, then kept only masked"),
        False,
        ("身份证号码", "证件号码", "公民身份号码", "身份证", "id number"),
    ),
    Column("party_member", "党员", gettext_lazy("是 or 否"), False, ("是否党员", "政治面貌", "party member")),
    Column(
        "moved_in_on",
        "入住日期",
        gettext_lazy("e.g. 2015-06-01"),
        False,
        ("入住时间", "迁入日期", "moved in"),
    ),
    Column(
        "held_by_developer",
        "开发商持有",
        gettext_lazy("是 for a unit not yet sold"),
        False,
        ("未售", "是否未售", "developer held"),
    ),
)

AREA_SOURCES = {
    "登记": "register",
    "不动产登记": "register",
    "测绘": "survey",
    "测量": "survey",
    "合同": "contract",
    "register": "register",
    "survey": "survey",
    "contract": "contract",
}

RELATIONS = {
    "业主": "owner",
    "产权人": "owner",
    "家属": "family",
    "家庭成员": "family",
    "租户": "tenant",
    "租客": "tenant",
    "owner": "owner",
    "family": "family",
    "tenant": "tenant",
}


# How the register's values are written in a ledger (an export reads back as it was written).
AREA_SOURCE_WORDS = {"register": "登记", "survey": "测绘", "contract": "合同"}

RELATION_WORDS = {"owner": "业主", "family": "家属", "tenant": "租户"}

MOBILE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")

MASKED_MOBILE = re.compile(r"^\d{3}\*+\d{4}$")

SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")  # 1.10101E+17, as a number Excel shows is copied out


def floor_from_label(label: str) -> int | None:
    """A unit's floor read from its room number, as buildings number them: 201, 1-201 and 2-1-201
    are on floor 2, 1502 on 15. None where the number is too short to tell (a room 5)."""
    digits = re.findall(r"\d+", label or "")
    if not digits or len(digits[-1]) < 3:
        return None
    return int(digits[-1][:-2]) or None


UNIT_FACTS = ("floor", "building_area", "inner_area", "area_source", "held_by_developer")


def _decimal(value: str, row: int, key: str, problems: Problems):
    if not value:
        return None
    try:
        number = Decimal(number_text(value))
    except InvalidOperation:
        problems.add(row, key, _("Not a number: %(value)s") % {"value": value})
        return None
    if not number.is_finite() or number <= 0 or number.as_tuple().exponent < -2:
        problems.add(
            row, key, _("An area is a number above 0 with at most two decimals: %(value)s") % {"value": value}
        )
        return None
    if problem := bounds.area_problem(number):
        problems.add(row, key, problem)
        return None
    return number


def households_dry_run(
    compound, table: list[tuple[int, list[str]]], progress=None, options=None
) -> tuple[list[dict], list[dict]]:
    """Every row of a households ledger checked against the compound's register: the units (each with
    its people) it would write, and every bad row with its row number, column and reason. Nothing
    is written."""
    extra = (options or {}).get("columns")
    located = locate(COLUMNS, table, extra)
    headers, rows = located.headers, located.rows
    found, header_errors = match_headers(COLUMNS, headers, located.header_row, extra)
    problems = Problems(headers, found, list(header_errors))
    if header_errors:
        return [], problems.items
    buildings = {b.name: b for b in compound.buildings.all()}
    columns = {key: headers[i] for key, i in found.items()}  # for the rows' later errors
    units: dict[tuple, dict] = {}
    for checked, (number, row) in enumerate(rows, start=1):
        if progress is not None and checked % 500 == 0:
            progress(checked)
        value = row_values(row, found)
        building = buildings.get(value.get("building", ""))
        if not value.get("building"):
            problems.add(number, "building", _("This column is required."))
        elif building is None:
            problems.add(
                number,
                "building",
                _("No building %(name)s in %(compound)s.")
                % {"name": value["building"], "compound": compound.name},
            )
        label = value.get("unit", "")
        if not label:
            problems.add(number, "unit", _("This column is required."))
        elif value.get("entrance") and "-" not in label:
            label = f"{value['entrance']}-{label}"
        _too_long(label, Household, "unit_label", number, "unit", problems)
        floor, derived = None, None
        if value.get("floor", ""):
            try:
                floor = int(value["floor"])
            except ValueError:
                problems.add(number, "floor", _("A floor is a whole number: %(value)s") % {"value": value["floor"]})
        else:  # no 楼层 (office ledgers have none), or an empty cell: not given; a new unit's floor
            derived = floor_from_label(label)  # is read from its room number (checked in the plan)
        if floor is not None and building is not None:
            try:
                floor_check(building, floor)  # the register's own rule
            except Invalid as bad:
                problems.add(number, "floor", bad.message)
        # None is "not given" (no such column, or an empty cell): it changes nothing.
        facts = {
            "floor": floor,
            "building_area": _decimal(value.get("building_area", ""), number, "building_area", problems),
            "inner_area": _decimal(value.get("inner_area", ""), number, "inner_area", problems),
            "area_source": _choice(
                value.get("area_source", ""), AREA_SOURCES, number, "area_source", problems
            ),
            "held_by_developer": _flag(
                value.get("held_by_developer", ""), number, "held_by_developer", problems
            ),
        }
        try:
            areas_check(facts["building_area"], facts["inner_area"])
        except Invalid as bad:
            problems.add(number, "inner_area", bad.message)
        key = (value.get("building", ""), label)
        unit = units.setdefault(
            key,
            {
                "row": number,
                "building": building,
                "unit_label": label,
                "derived_floor": derived,
                **facts,
                "people": [],
                "columns": columns,
            },
        )
        for fact in UNIT_FACTS:  # a ledger may give a unit's facts on its first row only
            if unit[fact] is None:
                unit[fact] = facts[fact]
            elif facts[fact] is not None and unit[fact] != facts[fact]:
                problems.add(
                    number, fact, _("Row %(row)s says otherwise for the same unit.") % {"row": unit["row"]}
                )
        person = _person(value, number, problems)
        if person is not None:
            same = [
                p
                for p in unit["people"]
                if (p["id_number"] and p["id_number"] == person["id_number"])
                or (p["name"], p["mobile"], p["mobile_masked"], p["id_masked"])
                == (person["name"], person["mobile"], person["mobile_masked"], person["id_masked"])
            ]
            if same:
                problems.add(
                    number,
                    "name",
                    _("The same person in this unit twice (row %(row)s).") % {"row": same[0]["row"]},
                )
            unit["people"].append(person)
    return list(units.values()), problems.items


def _person(value: dict, number: int, problems: Problems) -> dict | None:
    name = value.get("name", "")
    if not name:
        if any(value.get(k) for k in ("mobile", "id_number", "relation")):
            problems.add(number, "name", _("A person needs a name."))
        return None
    _too_long(name, Resident, "name", number, "name", problems)
    mobile = value.get("mobile", "").replace(" ", "")
    if len(mobile) == 13 and mobile.count("-") == 2 and mobile.replace("-", "").isdigit():
        mobile = mobile.replace("-", "")  # 138-1234-5678
    # A ledger exported from Gongzhi shows numbers masked (138****1234): such a number is kept as
    # registered, and helps to find the person it belongs to.
    mobile_masked = mobile if MASKED_MOBILE.match(mobile) else ""
    if mobile_masked:
        mobile = ""
    elif mobile and not MOBILE.match(mobile):
        problems.add(
            number,
            "mobile",
            _("Enter an 11-digit mobile number or a landline number (read: %(value)s).") % {"value": mobile},
        )
    raw = value.get("id_number", "")
    id_number = raw.strip().upper()
    id_masked = id_number if MASKED_ID.match(id_number) else ""
    if id_masked:
        id_number = ""
    elif isinstance(raw, NumericText) or SCIENTIFIC.match(id_number):
        # Excel keeps 15 digits of a number: an 18-digit ID number typed into a number cell has lost
        # its last ones, even where the check digit happens to pass.
        problems.add(
            number,
            "id_number",
            _(
                "Excel has stored the ID number as a number and its last digits are lost: set the column "
                "to text and type it again (read: %(value)s)."
            )
            % {"value": raw},
        )
        id_number = ""
    elif id_number:
        try:
            id_number = id_number_check(id_number)  # the register's own check-digit rule
        except Invalid as bad:
            problems.add(
                number,
                "id_number",
                _("%(message)s (read: %(value)s)") % {"message": bad.message, "value": raw},
            )
            id_number = ""
    return {
        "row": number,
        "columns": problems.columns,
        "name": name,
        "mobile": mobile,
        "mobile_masked": mobile_masked,
        "id_number": id_number,
        "id_masked": id_masked,
        # 户主 (the head of a household) says nothing of ownership: as an empty cell, the worker answers
        "relation": _choice(
            "" if value.get("relation", "") == "户主" else value.get("relation", ""),
            RELATIONS,
            number,
            "relation",
            problems,
        ),
        "party_member": _flag(value.get("party_member", ""), number, "party_member", problems),
        "moved_in_on": parse_date(value.get("moved_in_on", ""), number, "moved_in_on", problems),
    }


# --- the plan and the write ---------------------------------------------------------------------


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Ambiguous(Exception):
    """A row that could be more than one registered person: the file must say which."""


class Register:
    """The compound's units, and the people the file may name, read once for the whole file. Only
    people the actor may see are matched by name and mobile; a person found by ID number whom the
    actor may not see is refused, as a second record with that ID number would be."""

    def __init__(self, actor, compound, units: list[dict]):
        self.compound = compound
        self.households = {
            (h.building_id, h.unit_label): h
            for h in Household.objects.filter(building__compound=compound).select_related("building")
        }
        visible = permissions.residents_visible(actor).values("id")
        people = [p for u in units for p in u["people"]]
        digests = sorted({services.id_number_digest(p["id_number"]) for p in people if p["id_number"]})
        self.by_digest, self.visible_digests = {}, set()
        for chunk in _chunks(digests):
            found = Resident.objects.filter(id_number_digest__in=chunk)
            self.by_digest.update({r.id_number_digest: r for r in found})
            self.visible_digests.update(
                found.filter(id__in=visible).values_list("id_number_digest", flat=True)
            )
        mobiles = sorted({p["mobile"] for p in people if p["mobile"]})
        self.by_name_mobile = {}
        for chunk in _chunks(mobiles):
            for r in Resident.objects.filter(phone__in=chunk, id__in=visible).order_by("id"):
                self.by_name_mobile.setdefault((r.name, r.phone), r)
        self.current: dict[int, list[Residency]] = {}
        self.by_name: dict[str, list[Residency]] = {}  # the compound's people, for namesakes
        residencies = Residency.objects.filter(
            in_force_from(timezone.localdate()), household__building__compound=compound
        ).select_related("resident", "household__building")
        for residency in residencies:
            self.current.setdefault(residency.household_id, []).append(residency)
            self.by_name.setdefault(residency.resident.name, []).append(residency)

    def namesake(self, person: dict) -> Residency | None:
        """A person of the compound with the row's name whom the row does not tell apart: as on the
        page (permissions.resident_matches), the same name in the compound may be the same person."""
        namesakes = self.by_name.get(person["name"], [])
        return next((r for r in namesakes if not _told_apart(r.resident, person)), None)

    def person(self, household: Household | None, person: dict) -> Resident | None:
        """The registered person a row names: by ID number; else among the unit's people, by name
        (told apart by the mobile or ID number, as typed or masked in an export), or a person of
        the unit renamed (the same masked ID number or mobile); else by name and mobile."""
        if person["id_number"]:
            digest = services.id_number_digest(person["id_number"])
            found = self.by_digest.get(digest)
            if found is not None:
                if digest not in self.visible_digests:
                    raise Invalid(
                        _("A resident with this ID number is already registered."), field="id_number"
                    )
                return found
        if household is not None:
            people = [r.resident for r in self.current.get(household.pk, [])]
            people = [r for r in people if not (person["id_number"] and r.id_number_digest)]
            named = [r for r in people if r.name == person["name"]]
            if len(named) > 1:
                named = [r for r in named if _same_numbers(r, person)]
                if len(named) != 1:
                    raise Ambiguous
            if named:
                return named[0]
            renamed = [r for r in people if _same_numbers(r, person)]
            if len(renamed) == 1:
                return renamed[0]
        if person["mobile"]:
            found = self.by_name_mobile.get((person["name"], person["mobile"]))
            if found is not None and not (person["id_number"] and found.id_number_digest):
                return found
        return None

    def residency(self, household: Household | None, resident: Resident | None) -> Residency | None:
        if household is None or resident is None:
            return None
        return next((r for r in self.current.get(household.pk, []) if r.resident_id == resident.pk), None)


def _told_apart(resident: Resident, person: dict) -> bool:
    return told_apart(resident, id_given=bool(person["id_number"]), phone=person["mobile"])


def _same_numbers(resident: Resident, person: dict) -> bool:
    """The row's mobile or ID number (typed, or masked as an export shows it) is the person's."""
    phone = resident.phone
    return bool(
        (person["mobile"] and phone == person["mobile"])
        or (person["mobile_masked"] and phone and mask_phone(phone) == person["mobile_masked"])
        or (person["id_masked"] and resident.id_number_masked == person["id_masked"])
    )


def households_plan(actor, compound, table, progress=None, options=None) -> Plan:
    """What a households ledger would do to the compound's register, row by row, and its bad rows:
    the new units, people and relations (written in bulk) and the changes (through the services)."""
    units, errors = households_dry_run(compound, table, progress, options)
    plan = Plan(errors=list(errors))
    if any(e.get("header") for e in errors):  # the headers are wrong: no row was read
        return plan
    # Every problem at once: the register's checks run on the rows whose cells were good too.
    units = [u for u in units if u["building"] is not None and u["unit_label"]]
    register = Register(actor, compound, units)
    today = timezone.localdate()
    new_people: dict[tuple, Resident] = {}  # a person new to the register named on several rows
    for unit in units:
        household = register.households.get((unit["building"].pk, unit["unit_label"]))
        if household is None:
            household = Household(
                building=unit["building"],
                unit_label=unit["unit_label"],
                floor=unit["floor"] if unit["floor"] is not None else unit["derived_floor"],
                building_area=unit["building_area"],
                inner_area=unit["inner_area"],
                area_source=unit["area_source"] or "register",
                held_by_developer=bool(unit["held_by_developer"]),
            )
            if household.floor is None:  # a new unit needs its floor: given, or read from its number
                where = "floor" if "floor" in unit["columns"] else "unit"
                message = _("The floor cannot be read from the room number %(value)s: give its 楼层.") % {
                    "value": unit["unit_label"]
                }
                plan.errors.append({"row": unit["row"], "column": column(unit, where), "message": message})
            elif unit["floor"] is None:
                try:
                    floor_check(unit["building"], household.floor)
                except Invalid as bad:
                    plan.errors.append({"row": unit["row"], "column": column(unit, "unit"), "message": bad.message})
            plan.households.append(household)
            plan.changes.append(Change(unit["row"], "created"))
            new_facts = {"floor": household.floor, "building_area": household.building_area}
            if household.inner_area is not None:
                new_facts["inner_area"] = household.inner_area
            fields = [_field(unit, k, None, v) for k, v in new_facts.items() if v is not None]
            if unit["floor"] is None and unit["derived_floor"] is not None:
                fields[0][2] = _("%(floor)s (from the room number)") % {"floor": unit["derived_floor"]}
            plan.details.append(_detail("unit", unit["row"], _unit_name(unit), "created", fields))
        else:
            changes = full = _unit_changes(household, unit)
            area = full.get("building_area", household.building_area)
            inner = full.get("inner_area", household.inner_area)
            try:
                services.areas_check(area, inner)
            except Invalid as bad:
                if "inner_area" in unit["columns"]:
                    problem = {
                        "row": unit["row"],
                        "column": column(unit, "inner_area"),
                        "message": bad.message,
                    }
                else:  # the register's inner area, which the file does not give: said on the file's column
                    message = _(
                        "The register's inner area of this unit, %(inner)s m², is above the building area "
                        "given here: check the building area, or add a 套内面积 column with the new inner area."
                    ) % {"inner": inner}
                    problem = {
                        "row": unit["row"],
                        "column": column(unit, "building_area"),
                        "message": message,
                    }
                plan.errors.append(problem)
            if any(k in changes for k in services.AREAS):  # moves fees and vote weights: accepted or not
                fields = [_field(unit, k, getattr(household, k), v) for k, v in changes.items()]
                key = change_key("unit", unit["row"], fields)
                if to_ask(options, key):
                    plan.asks.add("accept")
                is_accepted = accepted(options, key)
                detail = _detail(
                    "unit", unit["row"], _unit_name(unit), "updated", fields, key=key, accepted=is_accepted
                )
                if not is_accepted:
                    changes = {k: v for k, v in changes.items() if k not in (*services.AREAS, "area_source")}
            elif changes:
                detail = _detail(
                    "unit",
                    unit["row"],
                    _unit_name(unit),
                    "updated",
                    [_field(unit, k, getattr(household, k), v) for k, v in changes.items()],
                )
            else:
                detail = None
            if detail:
                plan.details.append(detail)
            plan.changes.append(Change(unit["row"], "updated" if changes else "unchanged"))
            if changes:
                plan.updates.append(_household_update(household, changes))
        for index, person in enumerate(unit["people"]):
            answered = _relation_by_policy((options or {}).get("relation"), index)
            person = {**person, "answered": answered, "unit_name": _unit_name(unit), "options": options}
            _person_plan(plan, register, household, person, new_people, today)
        if household.pk is not None and unit["people"]:
            _absent(plan, register, household, unit, options or {}, today)
    if any(r.relation is None for r in plan.residencies):
        plan.asks.add("relation")  # a new relation the ledger does not give: the worker answers
    if plan.errors:
        plan.changes, plan.households, plan.residents, plan.residencies, plan.updates = [], [], [], [], []
        plan.errors.sort(key=lambda e: e["row"])  # the file's order, whichever check found it
    return plan


def _absent(plan: Plan, register, household, unit: dict, options: dict, today) -> None:
    """The people registered in a unit the ledger lists, whom it does not name: they stay (a ledger
    may leave someone out), listed for the worker, who ends the relations the ledger shows are over
    (options["end"]: their keys; each end kept in the history, as if typed on the unit's page)."""
    named = plan.named.get(household.pk, set())
    for residency in register.current.get(household.pk, []):
        if residency.resident_id in named or residency.started_on >= today:
            continue
        key = f"end:{residency.pk}"
        ended = key in options.get("end", [])
        fields = [[_("relation"), _shown("relation", residency.relation), _("ended") if ended else _("stays")]]
        name = f"{residency.resident.name} · {_unit_name(unit)}"
        plan.details.append(_detail("absent", unit["row"], name, "absent", fields, key=key, accepted=ended))
        if ended:
            plan.updates.append(_residency_end(residency, today))


def _residency_end(residency, today):
    return lambda actor: services.residency_end(actor=actor, residency=residency, ended_on=today)


def _unit_name(unit: dict) -> str:
    return f"{unit['building'].name} {unit['unit_label']}"


WORDS = {"relation": RELATION_WORDS, "area_source": AREA_SOURCE_WORDS}


def _shown(key: str, value) -> str | None:
    """A value as the ledger writes it (业主, 登记, 是), for the list of changes."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return WORDS.get(key, {}).get(value, str(value))


def _field(row: dict, key: str, before, after) -> list:
    """[the column as the file names it (or the template's), before, after]."""
    header = row["columns"].get(key) or next((c.header for c in COLUMNS if c.key == key), key)
    return [header, _shown(key, before), _shown(key, after)]


def _detail(what, row, name, outcome, fields, key=None, accepted=None) -> dict:
    """One record the file changes: a unit or a person's relation to one, and how, field by field.
    `key` and `accepted`: a change that applies only where the worker accepted it."""
    detail = {"what": what, "row": row, "name": name, "outcome": outcome, "fields": fields}
    if key is not None:
        detail |= {"key": key, "accepted": accepted}
    return detail


def _namesake_refused(plan: Plan, register, person: dict) -> bool:
    """A new person whose name is that of one registered in the compound, or of one new on an
    earlier row, with nothing to tell them apart: the file must say (a file cannot be asked)."""
    registered = register.namesake(person)
    if registered is not None:
        message = _(
            "%(name)s is registered in %(unit)s: give the mobile or ID number, so that the same "
            "person is found or someone else told apart."
        ) % {"name": person["name"], "unit": registered.household}
    else:
        earlier = [r for r, made in plan.new_names.get(person["name"], []) if not _told_apart(made, person)]
        if not earlier:
            return False
        message = _(
            "A person of this name is new on row %(row)s too: give the mobile or ID number of each."
        ) % {"row": earlier[0]}
    plan.errors.append({"row": person["row"], "column": column(person, "name"), "message": message})
    return True


def column(row: dict, key: str) -> str:
    """The header the file gives a column (a row of the dry run carries its file's headers)."""
    return row["columns"].get(key, key)


def _unit_changes(household: Household, unit: dict) -> dict:
    """The facts the file gives for a registered unit that differ from the register (not given: kept)."""
    given = {k: unit[k] for k in UNIT_FACTS if unit[k] is not None and k != "area_source"}
    changes = {k: v for k, v in given.items() if getattr(household, k) != v}
    if any(k in changes for k in services.AREAS):
        changes["area_source"] = unit["area_source"] or "register"
    elif unit["area_source"] and unit["area_source"] != household.area_source:
        changes["area_source"] = unit["area_source"]
    return changes


def _household_update(household, changes):
    return lambda actor: services.household_update(actor=actor, household=household, changes=changes)


def _accepted_change(plan: Plan, person: dict, name: str, outcome: str, fields: list) -> bool:
    """A change of ownership listed for the worker to accept; whether it was (else it is not written)."""
    options = person.get("options") or {}
    key = change_key("person", person["row"], fields)
    if to_ask(options, key):
        plan.asks.add("accept")
    ok = accepted(options, key)
    plan.details.append(_detail("person", person["row"], name, outcome, fields, key=key, accepted=ok))
    return ok


def _relation_by_policy(policy: str | None, index: int) -> str | None:
    """What a person is to the unit when the ledger does not say, as the worker answered: nobody is
    an owner by default (户主, the head of a household, is not 业主: a tenant household has one)."""
    if policy == "first_owner":
        return Relation.OWNER if index == 0 else Relation.FAMILY
    return policy or None


def _person_plan(plan: Plan, register, household, person: dict, new_people: dict, today) -> None:
    """`person["relation"]` None: the ledger does not say. A relation already registered then stays
    as it is; a new one is what the worker answered (`answered`), or is asked about (plan.asks)."""
    row, relation = person["row"], person["relation"]
    new_relation = relation or person.get("answered")
    started_on = person["moved_in_on"] or today
    try:
        resident = register.person(household if household.pk else None, person)
    except Ambiguous:
        plan.errors.append(
            {
                "row": row,
                "column": column(person, "name"),
                "message": _("Several people of this name live in this unit: give the mobile or ID number."),
            }
        )
        return
    except Invalid as refused:
        plan.errors.append({"row": row, "column": column(person, "id_number"), "message": refused.message})
        return
    key = (person["id_number"],) if person["id_number"] else (person["name"], person["mobile"])
    if resident is None and (person["id_number"] or person["mobile"]):
        resident = new_people.get(key)  # the same new person on an earlier row
    if resident is not None:
        if (id(resident), id(household)) in plan.seen:  # two rows naming one person in one unit
            plan.errors.append(
                {
                    "row": row,
                    "column": column(person, "name"),
                    "message": _("The same person in this unit twice."),
                }
            )
            return
        plan.seen.add((id(resident), id(household)))
        if resident.pk is not None and household.pk is not None:
            plan.named.setdefault(household.pk, set()).add(resident.pk)
    if resident is None and _namesake_refused(plan, register, person):
        return
    name = f"{person['name']} · {person['unit_name']}"
    relation_field = _field(person, "relation", None, new_relation)
    known = resident is not None and resident.pk is not None  # registered before this file
    residency = register.residency(household if household.pk else None, resident) if known else None
    if residency is None:  # a new relation; of a new owner to a registered unit, accepted or not
        if household.pk is not None and new_relation == Relation.OWNER:
            if not _accepted_change(plan, person, name, "created", [relation_field]):
                return
        else:
            plan.details.append(_detail("person", row, name, "created", [relation_field]))
    if resident is None:
        resident = services.resident_new(
            name=person["name"],
            phone=person["mobile"],
            id_number=person["id_number"],
            is_party_member=bool(person["party_member"]),
        )
        plan.residents.append(resident)
        if person["id_number"] or person["mobile"]:
            new_people[key] = resident
        plan.new_names.setdefault(person["name"], []).append((row, resident))
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=new_relation, started_on=started_on)
        )
        plan.changes.append(Change(row, "created"))
        return
    if resident.pk is None:  # new, already planned on an earlier row: another unit of theirs
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=new_relation, started_on=started_on)
        )
        plan.changes.append(Change(row, "created"))
        return
    outcome = "unchanged"
    if residency is None:
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=new_relation, started_on=started_on)
        )
        outcome = "created"
    elif relation is not None and residency.relation != relation:
        fields = [_field(person, "relation", residency.relation, relation)]
        if Relation.OWNER in (relation, residency.relation):  # an owner more or fewer: accepted or not
            declined = not _accepted_change(plan, person, name, "updated", fields)
        else:
            declined = False
            plan.details.append(_detail("person", row, name, "updated", fields))
        if declined:
            pass  # the relation stays as registered; the row's other facts are still written
        elif residency.started_on >= today:
            plan.errors.append(
                {
                    "row": row,
                    "column": column(person, "relation"),
                    "message": _("This relation began today: change it from tomorrow on."),
                }
            )
            return
        else:
            plan.updates.append(_relation_change(residency, relation, today))
            outcome = "updated"
    elif person["moved_in_on"] and person["moved_in_on"] != residency.started_on:
        plan.updates.append(_residency_update(residency, person["moved_in_on"]))
        outcome = "updated"
        fields = [_field(person, "moved_in_on", residency.started_on, person["moved_in_on"])]
        plan.details.append(_detail("person", row, name, "updated", fields))
    facts = {}
    if person["mobile"] and person["mobile"] != resident.phone:
        facts["phone"] = person["mobile"]
    if person["party_member"] is not None and person["party_member"] != resident.is_party_member:
        facts["is_party_member"] = person["party_member"]
    if person["id_number"] and not resident.id_number_digest:
        facts["id_number"] = person["id_number"]
    if person["name"] != resident.name:
        facts["name"] = person["name"]
    if facts:
        plan.updates.append(_resident_update(resident, household, facts))
        outcome = "updated" if outcome == "unchanged" else outcome
        shown = {
            "phone": (
                "mobile",
                mask_phone(resident.phone) if resident.phone else None,
                mask_phone(facts.get("phone", "")),
            ),
            "is_party_member": ("party_member", resident.is_party_member, facts.get("is_party_member")),
            "id_number": ("id_number", None, "******"),
            "name": ("name", resident.name, facts.get("name")),
        }
        plan.details.append(
            _detail("person", row, name, "updated", [_field(person, *shown[k]) for k in facts])
        )
    plan.changes.append(Change(row, outcome))


def _relation_change(residency, relation, today):
    def write(actor):
        services.residency_end(actor=actor, residency=residency, ended_on=today)
        services.residency_start(
            actor=actor,
            resident=residency.resident,
            household=residency.household,
            relation=relation,
            started_on=today,
        )

    return write


def _residency_update(residency, started_on):
    return lambda actor: services.residency_update(actor=actor, residency=residency, started_on=started_on)


def _resident_update(resident, household, facts):
    return lambda actor: services.resident_update(
        actor=actor, resident=resident, household=household, changes=facts
    )


def households_write(actor, compound, plan: Plan, progress) -> None:
    """The new units, people and relations in bulk, then each change through its service."""
    services.register_bulk_create(
        actor=actor,
        community=compound.community,
        households=plan.households,
        residents=plan.residents,
        residencies=plan.residencies,
    )
    apply_updates(actor, plan, progress, done=len(plan.households) + len(plan.residents))


KIND = Kind(
    columns=COLUMNS,
    title="房屋与居民",
    scope="compound",
    allowed=lambda user, compound: require_register(user, compound.community),
    plan=households_plan,
    write=households_write,
)
