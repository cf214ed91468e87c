from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from property.models import ManagementMode, PaymentMethod, Relation, ReminderChannel


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


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices, initial=PaymentMethod.WECHAT)
    prepay = forms.BooleanField(label=_("keep any excess as a prepayment"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    # One key per form shown: a double tap or a resent form records the payment once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class ReminderForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=ReminderChannel.choices)
    outcome = forms.CharField(label=_("outcome"), max_length=200, required=False)


class ManagementPlanForm(forms.Form):
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
