from django import template

register = template.Library()


@register.filter
def field_error_count(form) -> int:
    """How many of a refused form's fields are marked (its errors not tied to a field aside)."""
    return sum(1 for name in form.errors if name != "__all__")
