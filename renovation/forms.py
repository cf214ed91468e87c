from django import forms
from django.utils.translation import gettext_lazy as _

from property.models import Compound
from renovation.models import FundingSource


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    compounds = forms.ModelMultipleChoiceField(
        label=_("compounds"), queryset=Compound.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    batch = forms.CharField(label=_("batch"), max_length=40, required=False)

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = compounds


class PlanningForm(forms.Form):
    """The project's items with their budgets, and its funding by source, on one page."""

    def __init__(self, *args, catalogue, project, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {pi.item_id: pi for pi in project.items.all()}
        funding = {f.source: f for f in project.funding.all()}
        self.catalogue = list(catalogue)
        for item in self.catalogue:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=item.name, required=False, initial=item.pk in chosen
            )
            self.fields[f"budget_{item.pk}"] = forms.DecimalField(
                label=_("budget (yuan)"),
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=chosen[item.pk].budget if item.pk in chosen else None,
            )
        for source, label in FundingSource.choices:
            current = funding.get(source)
            for part, part_label in (("planned", _("planned (yuan)")), ("received", _("received (yuan)"))):
                self.fields[f"{source}_{part}"] = forms.DecimalField(
                    label=f"{label} · {part_label}",
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    initial=getattr(current, part) if current else None,
                )

    def groups(self):
        """(group label, [(checkbox, budget)]) in the catalogue's order."""
        rows = {}
        for item in self.catalogue:
            rows.setdefault(item.get_group_display(), []).append(
                (self[f"item_{item.pk}"], self[f"budget_{item.pk}"])
            )
        return list(rows.items())

    def funding_rows(self):
        return [(label, self[f"{s}_planned"], self[f"{s}_received"]) for s, label in FundingSource.choices]

    def items(self):
        d = self.cleaned_data
        return [(i.pk, d[f"budget_{i.pk}"] or 0) for i in self.catalogue if d[f"item_{i.pk}"]]

    def funding(self):
        d = self.cleaned_data
        return [
            (s, d[f"{s}_planned"] or 0, d[f"{s}_received"] or 0)
            for s in FundingSource.values
            if d[f"{s}_planned"] is not None or d[f"{s}_received"] is not None
        ]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("percent done"), min_value=0, max_value=100)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    photos = PhotosField(label=_("photos"), required=False)
