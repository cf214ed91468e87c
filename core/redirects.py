"""Where a page POST goes next: a path of this site only, never another host."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_next(request, default, *args):
    """Redirect to the form's `next` if it is a path on this site, else to `default` (a URL name or path).

    A `next` naming another host ("https://evil.example/", "//evil.example", "/\\\\evil.example")
    would make a trusted page send its user elsewhere: an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    ):
        return redirect(target)
    return redirect(default, *args)
