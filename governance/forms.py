from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDates, MoneyField
from governance.models import Choice, Flow, Matter, MeetingKind, NoticeKind, Presence, QuestionKind, Vote
from governance.selectors import COUNTED_PRESENT, quorum_needed

LOCAL_MINUTE = {"type": "datetime-local"}
RESOLUTION_ROWS = 3
ACTION_ROWS = 3
FINANCE_ROWS = 6


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class PresenceSelect(forms.RadioSelect):
    """Attendance radios; the marks that count towards the quorum say so, for the page's live count."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in COUNTED_PRESENT:
            option["attrs"]["data-counted"] = ""
        return option


class MeetingForm(BoundedDates, forms.Form):
    """A whole meeting on one phone screen: the facts, who came, minutes, resolutions, actions."""

    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    held_at = forms.DateTimeField(label=_("held at"), widget=forms.DateTimeInput(attrs=LOCAL_MINUTE))
    place = forms.CharField(label=_("place"), max_length=120)
    agenda = forms.CharField(
        label=_("agenda (one item per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    public = forms.BooleanField(label=_("publish to residents"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:
            self.fields[f"att_{m.pk}"] = forms.ChoiceField(
                label=m.resident.name,
                choices=Presence.choices,
                initial=Presence.PRESENT,
                widget=PresenceSelect,
            )
            self.fields[f"proxy_{m.pk}"] = forms.CharField(
                label=_("name of the proxy"), max_length=60, required=False
            )
        people = [("", "—")] + [(m.pk, m.resident.name) for m in self.members]
        for i in range(RESOLUTION_ROWS):
            self.fields[f"res_{i}_text"] = forms.CharField(
                label=_("resolution"), required=False, max_length=2000
            )
            for part in ("for", "against", "abstain"):
                self.fields[f"res_{i}_{part}"] = forms.IntegerField(
                    label=_(part), required=False, min_value=0, max_value=1000
                )
        for i in range(ACTION_ROWS):
            self.fields[f"act_{i}_title"] = forms.CharField(
                label=_("what is to be done"), required=False, max_length=200
            )
            self.fields[f"act_{i}_assignee"] = forms.TypedChoiceField(
                label=_("assignee"), choices=people, required=False, coerce=int, empty_value=None
            )
            self.fields[f"act_{i}_due"] = forms.DateField(
                label=_("to be done by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def attendance_rows(self):
        return [(m, self[f"att_{m.pk}"], self[f"proxy_{m.pk}"]) for m in self.members]

    def resolution_rows(self):
        return [
            (self[f"res_{i}_text"], [self[f"res_{i}_{p}"] for p in ("for", "against", "abstain")])
            for i in range(RESOLUTION_ROWS)
        ]

    def action_rows(self):
        return [[self[f"act_{i}_{p}"] for p in ("title", "assignee", "due")] for i in range(ACTION_ROWS)]

    def tally(self) -> dict:
        """Who is counted present as the form stands: the page's live count starts from this."""
        marks = [self[f"att_{m.pk}"].value() for m in self.members]
        counted = sum(mark in COUNTED_PRESENT for mark in marks)
        figures = {
            "present": counted,
            "proxy": sum(mark == Presence.PROXY for mark in marks),
            "members": len(marks),
            "needed": quorum_needed(len(marks)),
        }
        # The page's script fills the same sentences as the marks change.
        template = str(
            _("Present {present} (by proxy {proxy}) of {members} members; {needed} make a quorum.")
        )
        hint = str(_("At most {present} votes in all: the members present."))
        return {
            **figures,
            "met": counted >= figures["needed"],
            "template": template,
            "text": template.format(**figures),
            "hint_template": hint,
            "hint": hint.format(present=counted),
        }

    def service_arguments(self) -> dict:
        """The cleaned form as meeting_record() takes it; field names match its error fields."""
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "title": d["title"],
            "held_at": d["held_at"],
            "place": d["place"],
            "agenda": [line.strip() for line in d["agenda"].splitlines() if line.strip()],
            "minutes": d["minutes"],
            "public": d["public"],
            "attendance": [
                {
                    "member": m.pk,
                    "presence": d[f"att_{m.pk}"],
                    # The page hides the proxy's name unless "by proxy" is ticked; what was typed
                    # before the mark changed is not a proxy.
                    "proxy_name": d[f"proxy_{m.pk}"] if d[f"att_{m.pk}"] == Presence.PROXY else "",
                }
                for m in self.members
            ],
            "resolutions": [
                {
                    "text": d[f"res_{i}_text"],
                    "votes_for": d[f"res_{i}_for"] or 0,
                    "votes_against": d[f"res_{i}_against"] or 0,
                    "abstentions": d[f"res_{i}_abstain"] or 0,
                }
                for i in range(RESOLUTION_ROWS)
                if d.get(f"res_{i}_text")
            ],
            "actions": [
                {
                    "title": d[f"act_{i}_title"],
                    "assignee": d[f"act_{i}_assignee"],
                    "due_on": d[f"act_{i}_due"],
                }
                for i in range(ACTION_ROWS)
                if d.get(f"act_{i}_title")
            ],
        }

    def field_for_error(self, name: str) -> str | None:
        """Map a service's error field (attendance.2.proxy_name, resolutions.0) to this form's field."""
        parts = name.split(".")
        if parts[0] == "attendance" and len(parts) == 3:
            member = self.members[int(parts[1])]
            return f"proxy_{member.pk}" if parts[2] == "proxy_name" else f"att_{member.pk}"
        if parts[0] == "resolutions" and len(parts) >= 2:
            return f"res_{self._nth_filled('res', 'text', int(parts[1]))}_for"
        if parts[0] == "actions" and len(parts) >= 2:
            row = self._nth_filled("act", "title", int(parts[1]))
            part = {"assignee": "assignee", "due_on": "due"}.get(parts[2] if len(parts) > 2 else "", "title")
            return f"act_{row}_{part}"
        return name if name in self.fields else None

    def _nth_filled(self, prefix, field, n):
        filled = [i for i in range(3) if self.cleaned_data.get(f"{prefix}_{i}_{field}")]
        return filled[n] if n < len(filled) else 0


class VoteForm(BoundedDates, forms.ModelForm):
    class Meta:
        model = Vote
        fields = ["title", "matter", "description", "opens_at", "closes_at"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs=LOCAL_MINUTE),
            "closes_at": forms.DateTimeInput(attrs=LOCAL_MINUTE),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = Matter.choices
        self.fields["opens_at"].initial = _local(timezone.now())


class BallotForm(BoundedDates, forms.Form):
    household = forms.TypedChoiceField(label=_("unit"), coerce=int)
    choice = forms.ChoiceField(label=_("choice"), choices=Choice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [(u.household_id, f"{u.household} · {u.owner}") for u in units]


class NoticeForm(BoundedDates, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[c for c in NoticeKind.choices if c[0] != NoticeKind.VOTE_RESULT]
    )
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(
        label=_("text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For a fee standard, leave it empty to list the fee items in force."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(FINANCE_ROWS):
            self.fields[f"line_{i}_flow"] = forms.ChoiceField(
                label=_("income or spending"), choices=Flow.choices
            )
            self.fields[f"line_{i}_item"] = forms.CharField(label=_("item"), max_length=120, required=False)
            self.fields[f"line_{i}_amount"] = MoneyField(
                kind="disclosure",
                label=_("amount (yuan)"),
                required=False,
                min_value=0.01,
                max_digits=12,
                decimal_places=2,
            )

    def line_rows(self):
        return [[self[f"line_{i}_{p}"] for p in ("flow", "item", "amount")] for i in range(FINANCE_ROWS)]

    def lines(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"flow": d[f"line_{i}_flow"], "item": d[f"line_{i}_item"], "amount": d[f"line_{i}_amount"]}
            for i in range(FINANCE_ROWS)
            if d.get(f"line_{i}_item") and d.get(f"line_{i}_amount")
        ]


class AnswersForm(BoundedDates, forms.Form):
    """A solicitation's questions; a worker going door to door also picks the household."""

    def __init__(self, *args, questions, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if households is not None:
            self.fields["household"] = forms.TypedChoiceField(
                label=_("household"), coerce=int, choices=[(h.pk, str(h)) for h in households]
            )
        for q in self.questions:
            name = f"q{q.position}"
            options = [(o, o) for o in q.options]
            if q.kind == QuestionKind.SINGLE:
                self.fields[name] = forms.ChoiceField(label=q.text, choices=options, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=q.text, choices=options, widget=forms.CheckboxSelectMultiple, required=False
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )

    def answers(self) -> dict:
        return {
            str(q.position): self.cleaned_data[f"q{q.position}"]
            for q in self.questions
            if self.cleaned_data.get(f"q{q.position}")
        }


class RatingForm(BoundedDates, forms.Form):
    score = forms.TypedChoiceField(
        label=_("score"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("comment"), max_length=500, required=False)
