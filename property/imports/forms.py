"""The import page's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDates
from property.models import ImportKind


class ImportForm(BoundedDates, forms.Form):
    kind = forms.ChoiceField(label=_("ledger"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("file"),
        help_text=_(".xlsx or .csv; headers as in the template (synonyms such as 门牌号 are understood)."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            }
        ),
    )

    def __init__(self, *args, kinds=(), **kwargs):
        """`kinds`: the ledgers this person may bring into the compound."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ImportKind(k).label) for k in kinds]
        if kinds:
            self.fields["kind"].initial = kinds[0]
