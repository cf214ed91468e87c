"""Domain errors: services raise these; config.api turns them into HTTP answers in one place."""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DomainError(Exception):
    """A rule of the domain refuses the request."""

    status = 409
    code = "conflict"

    def __init__(
        self, message, *, code: str | None = None, field: str | None = None, fields=None, extra=None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})
        self.extra = dict(extra or {})  # more of the answer's body, e.g. what a stage still lacks
        if field:
            self.fields.setdefault(field, [str(message)])


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Busy(DomainError):
    """The records are held by others right now (a deadlock that outlasted its retries): try again.
    A conflict of the moment, 409 as API.md has it, so every write's documented answers hold."""

    status = 409
    code = "busy"


class Invalid(DomainError):
    """Input that parsed but breaks a rule about a field."""

    status = 422
    code = "invalid"


def error_body(detail: str, code: str, fields: dict | None = None, extra: dict | None = None) -> dict:
    """The API's error shape (API.md): detail, code and, for invalid input, fields (plus what a
    domain error adds, such as the list of what a stage is missing)."""
    body = {**(extra or {}), "detail": detail, "code": code}
    if fields:
        body["fields"] = fields
    return body


UNIQUE_CODES = {"unique", "unique_together"}


def validate_model(obj, *, exclude=None, database: bool = True) -> None:
    """Run the model's own validation (fields and constraints) and raise a domain error.

    Uniqueness that fails is a conflict (409); any other broken rule is invalid input (422).
    `database=False` checks the fields only, in Python, for rows written in bulk whose uniqueness
    the caller has settled; the database's constraints still stand behind them.
    """
    try:
        obj.full_clean(exclude=exclude, validate_unique=database, validate_constraints=database)
    except ValidationError as exc:
        fields, conflict = {}, False
        for name, errs in exc.error_dict.items():
            key = "non_field" if name == NON_FIELD_ERRORS else name
            for err in errs:
                conflict = conflict or err.code in UNIQUE_CODES
                fields.setdefault(key, []).extend(err.messages)
        first = next(iter(fields.values()))[0]
        raise (Conflict if conflict else Invalid)(
            first, code="duplicate" if conflict else None, fields=fields
        ) from None


def constraint_refusal(exc: Exception) -> Invalid | None:
    """A database check that refused a write (a path or a race the service's own rule missed), as
    bad input on the field it is about, in the words its model gives (`Model.CHECKS`: the name after
    "<app>_<model>_" -> (field, message)); None for any other integrity error."""
    from django.apps import apps

    text = str(exc)
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for name, (field, message) in getattr(model, "CHECKS", {}).items():
            if re.search(rf"\b{re.escape(prefix + name)}\b", text):
                return Invalid(str(message), field=field)
    return None


def add_to_form(form, exc: DomainError) -> None:
    """Show a domain error on a page's form: on the fields it names, else above the form."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for field, errs in exc.fields.items():
        for err in errs:
            form.add_error(field if field in form.fields else None, err)


def visible_or_invalid(queryset, pk, field: str, what: str | None = None):
    """A referenced object among those the user may see; unknown or hidden is bad input (422 on the
    field), while 404 is kept for the object the URL names."""
    from django.utils.translation import gettext as _

    obj = queryset.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        message = _("No such %(what)s.") % {"what": what} if what else _("Unknown or not visible to you.")
        raise Invalid(message, field=field)
    return obj
