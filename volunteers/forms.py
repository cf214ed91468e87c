from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDates
from property.models import Community, Compound
from volunteers.models import RegistrationStatus, ServiceType, Shift, Volunteer


class RegistrationForm(BoundedDates, forms.Form):
    community = forms.ModelChoiceField(label=_("community"), queryset=Community.objects.none())
    service_types = forms.ModelMultipleChoiceField(
        label=_("interested in"),
        queryset=ServiceType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.CharField(label=_("skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("availability"), max_length=200, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(id__in=communities)
        self.fields["service_types"].queryset = ServiceType.objects.filter(
            Q(community__isnull=True) | Q(community_id__in=communities)
        )
        if len(communities) == 1:
            self.fields["community"].initial = communities[0]


class ShiftForm(BoundedDates, forms.ModelForm):
    """An organiser's new shift; the community must be one they organise."""

    class Meta:
        model = Shift
        fields = [
            "community",
            "compound",
            "service_type",
            "starts_at",
            "ends_at",
            "meeting_point",
            "capacity",
            "members_only",
            "leader",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in communities]
        self.fields["community"].queryset = Community.objects.filter(id__in=ids)
        self.fields["compound"].queryset = Compound.objects.filter(community_id__in=ids).order_by("name")
        self.fields["service_type"].queryset = ServiceType.objects.filter(
            Q(community__isnull=True) | Q(community_id__in=ids)
        )
        self.fields["leader"].queryset = Volunteer.objects.filter(
            community_id__in=ids, status=RegistrationStatus.APPROVED
        ).select_related("resident")
        if len(ids) == 1:
            self.fields["community"].initial = ids[0]


class DecisionForm(BoundedDates, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
