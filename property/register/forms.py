"""The register's page forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import AreaField, BoundedDates
from property.models import AreaSource, ManagementMode, Relation


class ResidentForm(BoundedDates, forms.Form):
    history_dates = frozenset({"started_on"})
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    phone = forms.RegexField(
        label=_("phone"),
        required=False,
        regex=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
        error_messages={"invalid": _("Enter an 11-digit mobile number or a landline number.")},
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("Checked, then kept only masked."),
    )
    is_party_member = forms.BooleanField(label=_("party member"), required=False)
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices, initial=Relation.OWNER)
    started_on = forms.DateField(
        label=_("from"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ManagementPlanForm(BoundedDates, forms.Form):
    history_dates = frozenset({"adopted_on"})
    adopted_on = forms.DateField(
        label=_("adopted on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    management_mode = forms.ChoiceField(label=_("management mode"), choices=ManagementMode.choices)
    text = forms.CharField(
        label=_("what the plan says"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Who manages, how fees are set and collected, how the common parts are kept."),
    )


class HouseholdFactsForm(BoundedDates, forms.Form):
    """A unit's facts corrected: the area with its source, vacant, unsold (held by the developer)."""

    building_area = AreaField(label=_("building area (m²)"), required=False)
    inner_area = AreaField(label=_("inner area (m²)"), required=False)
    area_source = forms.ChoiceField(label=_("area source"), choices=AreaSource.choices)
    is_vacant = forms.BooleanField(label=_("vacant"), required=False)
    held_by_developer = forms.BooleanField(label=_("unsold (held by the developer)"), required=False)


class UnitForm(BoundedDates, forms.Form):
    history_dates = frozenset({"started_on"})
    """Another unit for a registered person: the building and the unit's label, as the ledger says."""

    building = forms.ModelChoiceField(label=_("building"), queryset=None)
    unit_label = forms.CharField(
        label=pgettext_lazy("household", "unit"), max_length=20, help_text=_("For example 2-502.")
    )
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices, initial=Relation.OWNER)
    started_on = forms.DateField(
        label=_("from"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = str
