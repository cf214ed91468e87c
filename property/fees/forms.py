"""The fees' page forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDates, MoneyField
from property.models import PaymentMethod, ReminderChannel


class PaymentForm(BoundedDates, forms.Form):
    amount = MoneyField(
        kind="household", label=_("amount (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices, initial=PaymentMethod.WECHAT)
    prepay = forms.BooleanField(label=_("keep any excess as a prepayment"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    # One key per form shown: a double tap or a resent form records the payment once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class ReminderForm(BoundedDates, forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=ReminderChannel.choices)
    outcome = forms.CharField(label=_("outcome"), max_length=200, required=False)
