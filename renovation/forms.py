from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import add_to_form
from core.forms import BoundedDates, MoneyField
from grid.models import Category, Unit
from property.models import Building, Compound, Resident
from property.register.permissions import current_residencies
from renovation.defaults import CATEGORY_CODES
from renovation.models import Contract, ContractRole, FundingSource, PlanBasis, ProjectItem, WorksKind
from renovation.services import UNIT_KIND

UNIT_KINDS = set(UNIT_KIND.values())


class ProjectForm(BoundedDates, forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    compounds = forms.ModelMultipleChoiceField(
        label=_("compounds"), queryset=Compound.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    batch = forms.CharField(label=_("batch"), max_length=40, required=False)

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = compounds


class PlanningForm(BoundedDates, forms.Form):
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
            self.fields[f"budget_{item.pk}"] = MoneyField(
                kind="renovation",
                label=_("budget (yuan)"),
                required=False,
                min_value=0,
                initial=chosen[item.pk].budget if item.pk in chosen else None,
            )
        for source, label in FundingSource.choices:
            current = funding.get(source)
            for part, part_label in (("planned", _("planned (yuan)")), ("received", _("received (yuan)"))):
                self.fields[f"{source}_{part}"] = MoneyField(
                    kind="renovation",
                    label=f"{label} · {part_label}",
                    required=False,
                    min_value=0,
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

    def add_domain_error(self, exc) -> None:
        """A refusal of the service on the field it names: funding.<i>.<part> is <source>_<part>."""
        sources = [s for s, _planned, _received in self.funding()]
        renamed = {}
        for name, errors in exc.fields.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "funding" and parts[1].isdigit() and int(parts[1]) < len(sources):
                name = f"{sources[int(parts[1])]}_{parts[2]}"
            renamed[name] = errors
        exc.fields = renamed
        add_to_form(self, exc)


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


class ProgressForm(BoundedDates, forms.Form):
    percent = forms.IntegerField(label=_("percent done"), min_value=0, max_value=100)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    photos = PhotosField(label=_("photos"), required=False)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class PlanForm(BoundedDates, forms.Form):
    adopted_on = forms.DateField(label=_("adopted on"), widget=DateInput)
    basis = forms.ChoiceField(label=_("adopted by"), choices=PlanBasis.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("plan (一院一策)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ContractForm(BoundedDates, forms.Form):
    """A responsible unit's contract: an existing unit of the role's kind, or a new one by name."""

    role = forms.ChoiceField(label=_("role"), choices=ContractRole.choices)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    unit_name = forms.CharField(
        label=_("or a new unit"), max_length=120, required=False, help_text=_("Its full registered name.")
    )
    items = forms.ModelMultipleChoiceField(
        label=_("items"),
        queryset=ProjectItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value = MoneyField(kind="renovation", label=_("value (yuan)"), min_value=0)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput)
    contact_name = forms.CharField(label=_("contact"), max_length=60)
    contact_phone = forms.CharField(
        label=_("contact phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    contact_username = forms.CharField(
        label=_("contact's account"),
        max_length=150,
        required=False,
        help_text=_("The username of the person who records progress and puts defects right on site."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(kind__in=list(UNIT_KINDS)).order_by("kind", "name")
        self.fields["items"].queryset = project.items.select_related("item")
        self.fields["items"].label_from_instance = lambda pi: pi.item.name

    def clean(self):
        d = super().clean()
        if not d.get("unit") and not (d.get("unit_name") or "").strip():
            self.add_error("unit", _("Choose the unit, or name a new one."))
        return d


class FindingForm(BoundedDates, forms.Form):
    """A defect found on site, with a photo: sent to the unit of the contract it falls under."""

    contract = forms.ModelChoiceField(
        label=_("responsible unit"),
        queryset=Contract.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    category = forms.ChoiceField(label=_("kind of defect"), choices=(), widget=forms.RadioSelect)
    place = forms.CharField(label=_("place"), max_length=120, required=False)
    text = forms.CharField(label=_("defect"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(
        label=_("put right by"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the kind's deadline (safety and disturbance the same day)."),
    )
    photo = forms.FileField(
        label=_("photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = project.contracts.filter(
            role__in=[ContractRole.CONSTRUCTION, ContractRole.UTILITY]
        ).select_related("unit")
        self.fields["contract"].label_from_instance = lambda c: f"{c.unit.name} · {c.get_role_display()}"
        works = list(self.fields["contract"].queryset)
        if len(works) == 1:  # one unit on site: nothing to choose
            self.fields["contract"].initial = works[0].pk
        names = dict(Category.objects.filter(code__in=CATEGORY_CODES).values_list("code", "name"))
        self.fields["category"].choices = [(c, names.get(c, c)) for c in CATEGORY_CODES]

    def finding(self) -> dict:
        d = self.cleaned_data
        return {
            "contract": d["contract"].pk,
            "category": d["category"],
            "place": d["place"],
            "text": d["text"],
            "due_on": d["due_on"],
            "photo": d["photo"],
        }


class InspectionForm(FindingForm):
    """A round of the site: where, a note, and (optionally) the first defect found."""

    compound = forms.ModelChoiceField(label=_("compound"), queryset=Compound.objects.none())
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    found = forms.BooleanField(label=_("a defect was found"), required=False, initial=True)

    field_order = ["compound", "note", "found"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["compound"].queryset = project.compounds.order_by("name")
        if self.fields["compound"].queryset.count() == 1:
            self.fields["compound"].initial = self.fields["compound"].queryset.first()
        for name in ("contract", "category", "text"):
            self.fields[name].required = False

    def clean(self):
        d = super().clean()
        if d.get("found"):
            for name in ("contract", "category", "text"):
                if not d.get(name):
                    self.add_error(name, _("This field is required."))
        return d


class AcceptanceForm(BoundedDates, forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DateInput)
    representatives = forms.ModelMultipleChoiceField(
        label=_("residents' representatives"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phones = forms.CharField(
        label=_("other representatives' phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "tel"}),
        help_text=_("One per line: residents of the project's compounds."),
    )
    note = forms.CharField(
        label=_("conclusions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.living = current_residencies().filter(household__building__compound__in=project.compounds.all())
        # the party members living there are offered first; anyone else by phone
        party = Resident.objects.filter(pk__in=self.living.values("resident_id"), is_party_member=True)
        offered = list(party.order_by("name", "pk").values_list("pk", flat=True)[:60])
        self.fields["representatives"].queryset = Resident.objects.filter(pk__in=offered).order_by(
            "name", "pk"
        )

    def clean(self):
        d = super().clean()
        chosen = {r.pk for r in d.get("representatives") or []}
        for line in (d.get("phones") or "").splitlines():
            phone = line.strip()
            if not phone:
                continue
            found = list(
                Resident.objects.filter(pk__in=self.living.values("resident_id"), phone=phone).values_list(
                    "pk", flat=True
                )
            )
            if not found:
                self.add_error(
                    "phones",
                    _("No resident of the project's compounds has the phone %(phone)s.") % {"phone": phone},
                )
            chosen.update(found[:1])
        d["resident_ids"] = sorted(chosen)
        return d


class WorksNoticeForm(BoundedDates, forms.Form):
    compound = forms.ModelChoiceField(label=_("compound"), queryset=Compound.objects.none())
    buildings = forms.ModelMultipleChoiceField(
        label=_("buildings"), queryset=Building.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("kind"), choices=WorksKind.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    body = forms.CharField(
        label=_("details"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("from"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("until"), widget=DateTimeInput)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = project.compounds.order_by("name")
        if self.fields["compound"].queryset.count() == 1:  # nothing to choose: chosen
            self.fields["compound"].initial = self.fields["compound"].queryset.first()
        self.fields["buildings"].queryset = (
            Building.objects.filter(compound__in=project.compounds.all())
            .select_related("compound")
            .order_by("compound__name", "name")
        )
        self.fields["buildings"].label_from_instance = lambda b: f"{b.compound.name} {b.name}"
