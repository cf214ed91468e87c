import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Post, User
from governance.models import Body
from property.models import (
    Community,
    Compound,
    Household,
    ManagementPlan,
    Residency,
    Resident,
)

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "officer",
    "worker",
    "committee",
    "volunteer",
    "cleaner",
    "manager",
    "police",
    "gridworker",
    "enforcer",
    "collector",
    "resident",
}


def snapshot():
    return tuple(
        m.objects.count()
        for m in (
            Community,
            Compound,
            Household,
            Resident,
            Residency,
            ManagementPlan,
            User,
            Post,
            Body,
        )
    ) + (apps.get_model("renovation", "Project").objects.count(),)


def test_seed_demo_builds_a_realistic_subdistrict_and_a_second_run_changes_nothing():
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    assert Community.objects.count() >= 4
    assert Compound.objects.count() >= 20
    assert Household.objects.count() >= 2000
    renovated = apps.get_model("renovation", "Project").objects.filter(stage="handed_over")
    assert renovated.filter(created_by__username="officer").count() >= 10  # carried over from before
    assert Compound.objects.filter(management_plans__isnull=True).exists()
    assert ACCOUNTS <= set(User.objects.values_list("username", flat=True))
    for username in ACCOUNTS:
        assert User.objects.get(username=username).check_password("gongzhi-demo")
    assert User.objects.get(username="volunteer60").check_password("gongzhi-demo")
    from volunteers.models import Signup, Volunteer

    assert Volunteer.objects.filter(status="approved").count() >= 61
    assert Volunteer.objects.filter(resident__is_party_member=True).count() >= 20
    assert Signup.objects.filter(status="waitlisted").exists()
    served = Signup.objects.filter(checked_out_at__isnull=False)
    assert served.count() >= 20 and not served.filter(shift__ends_at__gt=timezone.now()).exists()
    assert Signup.objects.filter(status="no_show").exists()
    assert len(set(Signup.objects.values_list("shift__compound", flat=True))) >= 2
    from governance.models import Meeting, Notice, Rating, Response, Vote
    from governance.selectors import governance_gaps

    committees = Body.objects.filter(kind="owners_committee")
    assert committees.count() >= Compound.objects.count() // 2
    assert Body.objects.filter(kind="party_team").count() == Community.objects.count()
    ungoverned, ending = governance_gaps(User.objects.get(username="worker"))
    assert ungoverned.exists() and ending.exists()
    assert User.objects.get(username="committee").resident.seats.filter(role="director").exists()
    assert Meeting.objects.filter(actions__isnull=False).exists()
    assert set(Vote.objects.values_list("status", flat=True)) == {"open", "closed"}
    from django.db.models import F

    from governance.models import Ballot

    assert Ballot.objects.filter(vote__status="closed").exists()
    assert not Ballot.objects.filter(cast_at__gte=F("vote__closes_at")).exists()  # none after the close
    assert all(v.result["final"] for v in Vote.objects.filter(status="closed"))
    assert Notice.objects.filter(kind="vote_result").count() == 1
    assert Response.objects.exists() and Rating.objects.exists()
    from grid.models import DutyShift, Grid, Incident
    from grid.selectors import grid_gaps

    assert Grid.objects.values("community").distinct().count() == Community.objects.count()
    assert len(grid_gaps(Grid.objects.all())) == 1
    assert {"done", "missed", "scheduled"} <= set(DutyShift.objects.values_list("status", flat=True))
    assert DutyShift.objects.filter(staff__username="cleaner", late=True).exists()
    states = set(Incident.objects.values_list("status", flat=True))
    assert states == {"reported", "dispatched", "rectifying", "resolved", "closed", "rejected"}
    assert Incident.objects.filter(overdue=True, escalation=2).exists()
    resident = User.objects.get(username="resident")
    assert Residency.objects.filter(resident__user=resident, relation="owner").exists()
    assert not resident.resident.seats.exists()  # the plain resident's view is the one seen
    from renovation.models import Project, WorksNotice
    from renovation.selectors import milestones_overdue, projects_detailed

    run_here = Project.objects.exclude(created_by__username="officer")  # not carried over from before
    projects = {(p.year, p.stage) for p in run_here}
    assert projects == {
        (2020, "handed_over"),
        (2021, "handed_over"),
        (2022, "consultation"),
        (2022, "design"),
        (2022, "construction"),
    }
    building = projects_detailed(Project.objects.filter(stage="construction")).get()
    behind = milestones_overdue(building, timezone.localdate())
    assert [o["unit"].kind for o in behind["contracts"]] == ["construction"]  # behind: the builder
    assert [o["stage"] for o in behind["stages"]] == ["竣工验收"]
    assert building.contracts.get(role="construction").contact_user.username == "builder"
    assert WorksNotice.objects.filter(project=building, ends_at__gt=timezone.now()).exists()
    from renovation.models import BlacklistEntry

    on_list = BlacklistEntry.objects.filter(came_off__isnull=True).values_list("unit__name", flat=True)
    assert list(on_list) == [building.contracts.get(role="construction").unit.name]
    # the supervisor's round: a defect with the builder, another put right and checked
    assert sorted(building.findings.values_list("incident__status", flat=True)) == ["closed", "rectifying"]
    for handed_over in run_here.filter(stage="handed_over"):
        assert handed_over.acceptance.representatives.count() >= 3
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first
