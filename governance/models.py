"""Self-governance: bodies and their members, meetings, owners' votes, solicitations, evaluations, notices."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from property.models import Community, Compound, Household, Resident
from renovation.models import Project


class BodyKind(models.TextChoices):
    OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
    PARTY_AUTONOMY = "party_autonomy", _("party-member self-governance organisation")
    RESIDENTS_COUNCIL = "residents_council", _("residents' council")
    PARTY_TEAM = "party_team", _("party-member joint management team")
    PARTY_BRANCH = "party_branch", _("community party branch")


# The kinds that govern a compound: one of them in force means the compound is not a gap.
GOVERNING_KINDS = (BodyKind.OWNERS_COMMITTEE, BodyKind.PARTY_AUTONOMY, BodyKind.RESIDENTS_COUNCIL)


class Body(models.Model):
    """A self-governance body of a compound (or, for a party branch or team, of a community)."""

    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("compound"),
    )
    led_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("led by (party branch)"),
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    filed_on = models.DateField(_("filed with the subdistrict on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("governing body")
        verbose_name_plural = _("governing bodies")
        ordering = ["community_id", "compound_id", "kind", "-term_start"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_term_ends_after_start",
                condition=Q(term_end__isnull=True) | Q(term_end__gt=F("term_start")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_compound_bodies_have_a_compound",
                condition=Q(kind__in=["party_team", "party_branch"]) | Q(compound__isnull=False),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_committee_term_is_bounded",
                condition=~Q(kind="owners_committee") | Q(term_end__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    DIRECTOR = "director", _("director")
    DEPUTY_DIRECTOR = "deputy_director", _("deputy director")
    MEMBER = "member", _("member")
    SECRETARY = "secretary", _("secretary")


class Member(models.Model):
    """A resident's seat on a body over a period."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="members", verbose_name=_("body"))
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="seats", verbose_name=_("resident")
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["body_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "resident"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_current_seat",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_role_display()}"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("regular meeting")
    EXTRAORDINARY = "extraordinary", _("extraordinary meeting")
    OWNERS_ASSEMBLY = "owners_assembly", _("owners' assembly")
    CONSULTATION = "consultation", _("consultation (议事协商)")


class Meeting(models.Model):
    """A meeting of a body: agenda, who came, minutes; resolutions and actions hang off it."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    title = models.CharField(_("title"), max_length=120)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=120)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    public = models.BooleanField(_("published to residents"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["body", "-held_at"], name="governance_meeting_by_body")]

    def __str__(self):
        return f"{self.body} · {self.title}"


class Presence(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")
    PROXY = "proxy", _("by proxy")


class Attendance(models.Model):
    """Whether a member came to a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    presence = models.CharField(_("attendance"), max_length=10, choices=Presence.choices)
    proxy_name = models.CharField(_("proxy"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_proxy_named",
                condition=~Q(presence="proxy") | ~Q(proxy_name=""),
            ),
        ]


class Resolution(models.Model):
    """What a meeting decided, with the count."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("meeting")
    )
    text = models.TextField(_("resolution"))
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstain"), default=0)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting_id", "id"]

    @property
    def adopted(self) -> bool:
        """More than half of those who voted were for it."""
        return self.votes_for * 2 > self.votes_for + self.votes_against + self.abstentions


class Action(models.Model):
    """A follow-up action from a meeting: who does what by when, closed with a note."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions", verbose_name=_("meeting")
    )
    title = models.CharField(_("what is to be done"), max_length=200)
    assignee = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="actions", verbose_name=_("assignee")
    )
    due_on = models.DateField(_("due on"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.CharField(_("closing note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["closed_at", "due_on"], name="governance_action_open")]


class Matter(models.TextChoices):
    """The matters of Civil Code Article 278, in its order."""

    PROCEDURE_RULES = "procedure_rules", _("rules of procedure of the owners' assembly")
    MANAGEMENT_COVENANT = "management_covenant", _("management covenant")
    ELECT_COMMITTEE = "elect_committee", _("electing or replacing the owners' committee")
    HIRE_PROPERTY_COMPANY = "hire_property_company", _("hiring or dismissing the property company")
    USE_MAINTENANCE_FUND = "use_maintenance_fund", _("using the special maintenance fund")
    RAISE_MAINTENANCE_FUND = "raise_maintenance_fund", _("raising the special maintenance fund")
    REBUILD = "rebuild", _("rebuilding or reconstructing buildings and their facilities")
    CHANGE_COMMON_USE = (
        "change_common_use",
        _("changing the use of common parts or running a business on them"),
    )
    OTHER_MAJOR = "other_major", _("other major matters")


# Items 6-8 of Article 278: three quarters of the participants' area and headcount.
SPECIAL_MATTERS = frozenset({Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE})


class VoteStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("vote", "scheduled")
    OPEN = "open", pgettext_lazy("vote", "open")
    CLOSED = "closed", pgettext_lazy("vote", "closed")


class Vote(models.Model):
    """An owners' joint decision (业主共同决定) on one matter, counted by Article 278."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="votes", verbose_name=_("compound")
    )
    title = models.CharField(_("title"), max_length=200)
    matter = models.CharField(_("matter"), max_length=30, choices=Matter.choices)
    description = models.TextField(_("description"), blank=True)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("renovation project"),
        help_text=_("The renovation project whose plan the owners vote on."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.SCHEDULED
    )
    roll_frozen_at = models.DateTimeField(_("roll frozen at"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closes_after_opening",
                condition=Q(closes_at__gt=F("opens_at")),
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="governance_vote_due")]

    def __str__(self):
        return self.title


class RollOwner(models.Model):
    """One owner on a vote's frozen roll: one head, the summed area of their units."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="roll", verbose_name=_("vote"))
    name = models.CharField(_("owner"), max_length=200)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    residents = models.ManyToManyField(Resident, blank=True, related_name="+", verbose_name=_("owners"))
    is_developer = models.BooleanField(_("developer (unsold units)"), default=False)
    is_registered = models.BooleanField(_("owner registered"), default=True)

    class Meta:
        verbose_name = _("owner on the roll")
        verbose_name_plural = _("roll of owners")
        ordering = ["vote_id", "id"]

    def __str__(self):
        if self.is_developer:
            return str(_("Developer (unsold units)"))
        if not self.is_registered:
            return str(_("Owner of %(unit)s (not registered)") % {"unit": self.name})
        return self.name


class RollUnit(models.Model):
    """A unit on a frozen roll and the owner it counts for."""

    owner = models.ForeignKey(
        RollOwner, on_delete=models.PROTECT, related_name="units", verbose_name=_("owner")
    )
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="+", verbose_name=_("vote"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("unit on the roll")
        verbose_name_plural = _("units on the roll")
        constraints = [
            models.UniqueConstraint(fields=["vote", "household"], name="%(app_label)s_%(class)s_once"),
        ]


class Choice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class Ballot(models.Model):
    """An owner's ballot. A later one replaces it (kept, with the time it was replaced)."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("vote"))
    owner = models.ForeignKey(
        RollOwner, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("owner")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("cast for unit")
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    on_paper = models.BooleanField(_("paper ballot"), default=False)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("ballot", "cast or entered by"),
    )
    # The time checked against the vote's window, under the vote's lock (services.ballot_cast).
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote_id", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "owner"],
                condition=Q(replaced_at__isnull=True),
                name="%(app_label)s_%(class)s_one_standing_per_owner",
            ),
        ]


class NoticeKind(models.TextChoices):
    PROGRESS = "progress", _("progress")
    RESOLUTION = "resolution", _("resolution")
    VOTE_RESULT = "vote_result", _("vote result")
    FEE_STANDARD = "fee_standard", _("fee standard")
    FINANCE = "finance", _("finance disclosure")


class Notice(models.Model):
    """A public notice of a compound (共享): progress, resolutions, results, fee standards, finances."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="notices", verbose_name=_("compound")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    published_on = models.DateField(_("published on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("published by"), max_length=120)
    vote = models.OneToOneField(
        Vote, on_delete=models.PROTECT, null=True, blank=True, related_name="notice", verbose_name=_("vote")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["compound", "-published_on"], name="governance_notice_recent")]

    def __str__(self):
        return self.title


class Flow(models.TextChoices):
    INCOME = "income", _("income")
    SPENDING = "spending", _("spending")


class FinanceLine(models.Model):
    """One line of a finance disclosure (Civil Code Article 943: common revenue and its use)."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("notice")
    )
    flow = models.CharField(_("income or spending"), max_length=10, choices=Flow.choices)
    item = models.CharField(_("item"), max_length=120)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("finance line")
        verbose_name_plural = _("finance lines")
        ordering = ["notice_id", "flow", "id"]
        constraints = [
            models.CheckConstraint(name="%(app_label)s_%(class)s_amount_positive", condition=Q(amount__gt=0)),
        ]


class Solicitation(models.Model):
    """A call for residents' opinions (意见征集), answered per household, also door to door."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="solicitations", verbose_name=_("compound")
    )
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("renovation project"),
        help_text=_("The renovation project this door-to-door consultation is for."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("solicitation")
        verbose_name_plural = _("solicitations")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closes_after_opening",
                condition=Q(closes_on__gte=F("opens_on")),
            ),
        ]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("text")


class Question(models.Model):
    """One question of a solicitation."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="questions", verbose_name=_("solicitation")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["solicitation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "position"], name="%(app_label)s_%(class)s_position"
            ),
        ]


class Response(models.Model):
    """A household's answers to a solicitation (one per household; a later one replaces it)."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.PROTECT, related_name="responses", verbose_name=_("solicitation")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    answers = models.JSONField(_("answers"), default=dict)
    door_to_door = models.BooleanField(_("entered door to door"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "household"], name="%(app_label)s_%(class)s_once_per_household"
            ),
        ]


class Subject(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("property service")
    GRID_WORK = "grid_work", _("grid work")
    COMMITTEE = "committee", _("owners' committee")


class Evaluation(models.Model):
    """A satisfaction survey round (共评) of one subject across a community's compounds."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("community")
    )
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closes_after_opening",
                condition=Q(closes_on__gte=F("opens_on")),
            ),
        ]

    def __str__(self):
        return self.title


class Rating(models.Model):
    """A household's score (1-5) in an evaluation round."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("evaluation")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "household"], name="%(app_label)s_%(class)s_once_per_household"
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_score_1_to_5", condition=Q(score__gte=1, score__lte=5)
            ),
        ]
