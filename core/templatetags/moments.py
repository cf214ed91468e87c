from django import template

from core.periods import local as local_moment

register = template.Library()


@register.filter
def local(moment):
    """`{{ x|local|date:"..." }}`: the moment on the local clock, a far one (year 9999) without a 500."""
    return local_moment(moment) if moment else moment
