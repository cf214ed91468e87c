from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from property.models import Relation


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
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
