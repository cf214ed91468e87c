"""The volunteers ledger brought in (issue 12): each row a person of the community's register with
the services they give and the day they were approved. Named with property's ledger kinds in
settings.IMPORT_KINDS, as a kind of its own with its columns; written through this app's services."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import bounds
from core.errors import Forbidden
from core.periods import in_force
from property.imports import reading
from property.imports.reading import Column
from property.imports.runs import Change, Kind, Plan, write_updates
from property.models import Residency
from property.register.services import id_number_digest
from volunteers import services
from volunteers.models import RegistrationStatus, Volunteer
from volunteers.permissions import can_organise
from volunteers.selectors import service_types_for

COLUMNS = (
    Column("name", "姓名", gettext_lazy("Required: a person of the register"), True, ("志愿者姓名", "name")),
    Column(
        "mobile",
        "手机",
        gettext_lazy("11 digits; tells apart people of the same name"),
        False,
        ("手机号", "手机号码", "联系电话", "电话", "mobile"),
    ),
    Column(
        "id_number",
        "身份证号",
        gettext_lazy("18 characters, if known"),
        False,
        ("身份证号码", "证件号码", "id number"),
    ),
    Column(
        "service_types",
        "服务类型",
        gettext_lazy("e.g. 巡逻、垃圾分类; separated by 、 or ,"),
        False,
        ("服务项目", "志愿服务类型", "service types"),
    ),
    Column(
        "approved_on",
        "批准日期",
        gettext_lazy("e.g. 2024-03-01"),
        False,
        ("审核日期", "登记日期", "approved on"),
    ),
)
SEPARATORS = re.compile(r"[、，,;；/\s]+")


def allowed(user, community) -> None:
    if not can_organise(user, community):
        raise Forbidden(_("Only the community's workers decide on registrations."))


def volunteers_plan(actor, community, table, progress=None, options=None) -> Plan:
    extra = (options or {}).get("columns")
    located = reading.locate(COLUMNS, table, extra)
    headers, rows = located.headers, located.rows
    found, header_errors = reading.match_headers(COLUMNS, headers, located.header_row, extra)
    problems = reading.Problems(headers, found, list(header_errors))
    plan = Plan()
    if header_errors:
        plan.errors = problems.items
        return plan
    people = {}  # the community's current residents, by name
    for residency in Residency.objects.filter(
        in_force(timezone.localdate()), household__building__compound__community=community
    ).select_related("resident"):
        people.setdefault(residency.resident.name, {})[residency.resident_id] = residency.resident
    types = {}
    for service_type in service_types_for([community.pk]):
        types[service_type.name] = types[service_type.code] = service_type
    registered = {
        v.resident_id: v
        for v in Volunteer.objects.filter(resident__in=_all(people)).prefetch_related("service_types")
    }
    current = {v.pk: {t.pk for t in v.service_types.all()} for v in registered.values()}
    today, seen = timezone.localdate(), {}
    for checked, (number, row) in enumerate(rows, start=1):
        if progress is not None and checked % 500 == 0:
            progress(checked)
        value = reading.row_values(row, found)
        resident = _person(value, people, number, problems)
        wanted = []
        for name in filter(None, SEPARATORS.split(value.get("service_types", ""))):
            if name in types:
                wanted.append(types[name])
            else:
                known = "、".join(sorted({t.name for t in types.values()}))
                problems.add(number, "service_types", _("Not one of: %(choices)s") % {"choices": known})
        approved_on = (
            reading.parse_date(value.get("approved_on", ""), number, "approved_on", problems, bounds.ACTIVITY)
            or today
        )
        if approved_on > today:
            problems.add(number, "approved_on", _("A registration is entered once it has been approved."))
        if resident is None:
            continue
        if resident.pk in seen:
            problems.add(number, "name", _("The same person as row %(row)s.") % {"row": seen[resident.pk]})
            continue
        seen[resident.pk] = number
        volunteer = registered.get(resident.pk)
        header = problems.columns.get("service_types", "服务类型")
        names = "、".join(t.name for t in wanted)
        if volunteer is None:
            plan.changes.append(Change(number, "created"))
            plan.updates.append(_enter(resident, community, wanted, approved_on))
            fields = [[header, None, names]] if wanted else []
            plan.details.append(
                {
                    "what": "person",
                    "row": number,
                    "name": resident.name,
                    "outcome": "created",
                    "fields": fields,
                }
            )
        elif volunteer.community_id != community.pk:
            problems.add(number, "name", _("Registered as a volunteer in another community."))
        else:
            changes = []
            if wanted and {t.pk for t in wanted} != current[volunteer.pk]:
                changes.append(_types(volunteer, wanted))
            if volunteer.status == RegistrationStatus.PENDING:
                changes.append(_approve(volunteer))
            plan.changes.append(Change(number, "updated" if changes else "unchanged"))
            plan.updates.extend(changes)
            if changes:
                before = "、".join(t.name for t in volunteer.service_types.all())
                fields = [[header, before, names]] if wanted and before != names else []
                if volunteer.status == RegistrationStatus.PENDING:
                    fields.append(
                        [_("status"), str(volunteer.get_status_display()), str(RegistrationStatus.APPROVED.label)]
                    )
                plan.details.append(
                    {
                        "what": "person",
                        "row": number,
                        "name": resident.name,
                        "outcome": "updated",
                        "fields": fields,
                    }
                )
    plan.errors = problems.items
    if plan.errors:
        plan.changes, plan.updates = [], []
    return plan


def _all(people: dict) -> list:
    return [r for by_id in people.values() for r in by_id.values()]


def _person(value: dict, people: dict, number: int, problems):
    """The community's resident a row names: by ID number, else by name (with the mobile where
    several share the name)."""
    name = value.get("name", "").strip()
    if not name:
        problems.add(number, "name", _("This column is required."))
        return None
    candidates = list(people.get(name, {}).values())
    id_number = value.get("id_number", "").strip().upper()
    if id_number and not reading.MASKED_ID.match(id_number):
        digest = id_number_digest(id_number)
        # the one with this ID number; one registered without any may still be them
        candidates = [r for r in candidates if r.id_number_digest in (digest, "")]
    mobile = value.get("mobile", "").replace(" ", "")
    if len(candidates) > 1 and mobile:
        candidates = [r for r in candidates if r.phone == mobile]
    if not candidates:
        problems.add(number, "name", _("No one of this name lives in the community's register."))
        return None
    if len(candidates) > 1:
        problems.add(number, "name", _("Several residents have this name: give the mobile or ID number."))
        return None
    return candidates[0]


def _enter(resident, community, service_types, approved_on):
    return lambda actor: services.volunteer_enter(
        actor=actor,
        resident=resident,
        community=community,
        service_types=service_types,
        approved_on=approved_on,
    )


def _types(volunteer, service_types):
    return lambda actor: services.volunteer_service_types_set(
        actor=actor, volunteer=volunteer, service_types=service_types
    )


def _approve(volunteer):
    return lambda actor: services.registration_decide(
        actor=actor, volunteer=volunteer, status=RegistrationStatus.APPROVED
    )


KIND = Kind(
    columns=COLUMNS,
    title="志愿者",
    scope="community",
    allowed=allowed,
    plan=volunteers_plan,
    write=write_updates,
)
