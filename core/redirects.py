"""Where a page POST goes next: a path of this site only, never another host."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_next(request, default, *args):
    """Redirect to the form's `next` if it is a path on this site, else to `default` (a URL name or path).

    A `next` naming another host ("https://evil.example/", "//evil.example", "/\\\\evil.example")
    would make a trusted page send its user elsewhere: an open redirect.
    """
    target = safe_next(request)
    return redirect(target) if target else redirect(default, *args)


def safe_next(request) -> str:
    """The request's `next` if it is a path of this site, else "" (for a page's "back" link too)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    ):
        return target
    return ""
