from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from property.models import Community
from volunteers.models import ServiceType


class RegistrationForm(forms.Form):
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
