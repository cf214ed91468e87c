from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import BoundedDates
from grid.models import Category, Grid, IncidentStatus, StaffRole, Unit

FINDING_ROWS = 3


class EndForm(BoundedDates, forms.Form):
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(FINDING_ROWS):
            self.fields[f"finding_{i}"] = forms.CharField(label=_("finding"), required=False, max_length=500)
            self.fields[f"place_{i}"] = forms.CharField(label=_("place"), required=False, max_length=120)
            self.fields[f"photo_{i}"] = forms.FileField(label=_("photo"), required=False)

    def finding_rows(self):
        return [(self[f"finding_{i}"], self[f"place_{i}"], self[f"photo_{i}"]) for i in range(FINDING_ROWS)]

    def findings(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"text": d[f"finding_{i}"], "place": d[f"place_{i}"], "photo": d[f"photo_{i}"]}
            for i in range(FINDING_ROWS)
            if d.get(f"finding_{i}", "").strip() or d.get(f"photo_{i}")  # a photo needs its words
        ]


class IncidentForm(BoundedDates, forms.Form):
    grid = forms.ModelChoiceField(label=_("grid"), queryset=Grid.objects.none())
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.all())
    place = forms.CharField(label=_("place"), max_length=120)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids.select_related("community").order_by("community__name", "name")
        # 社区 · 网格: grids of several communities share names (第一网格)
        self.fields["grid"].label_from_instance = lambda grid: f"{grid.community.name} · {grid.name}"
        if grids.count() == 1:
            self.fields["grid"].initial = grids.first()


class StepForm(BoundedDates, forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=2000)
    unit = forms.ModelChoiceField(label=_("responsible unit"), queryset=Unit.objects.all(), required=False)
    until = forms.DateTimeField(
        label=pgettext_lazy("extension", "until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class BoardFilter(BoundedDates, forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all states"))] + list(IncidentStatus.choices)
    )
    grid = forms.ModelChoiceField(
        label=_("grid"), required=False, queryset=Grid.objects.none(), empty_label=_("all grids")
    )
    unit = forms.ModelChoiceField(
        label=_("unit"), required=False, queryset=Unit.objects.all(), empty_label=_("all units")
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids.select_related("community").order_by("community__name", "name")
        # 社区 · 网格: grids of several communities share names (第一网格)
        self.fields["grid"].label_from_instance = lambda grid: f"{grid.community.name} · {grid.name}"


class StaffForm(BoundedDates, forms.Form):
    """Put a staff member on a grid: someone holding a post of that kind in the community."""

    history_dates = frozenset({"started_on"})

    role = forms.ChoiceField(label=_("role"), choices=StaffRole.choices)
    user = forms.ModelChoiceField(label=_("staff member"), queryset=None)
    unit = forms.ModelChoiceField(label=_("responsible unit"), queryset=Unit.objects.order_by("name"))
    started_on = forms.DateField(
        label=_("from"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda user: user.display_name
