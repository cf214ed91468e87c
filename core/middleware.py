"""Answers decided before or after a view: ApiBodyMiddleware and BusyMiddleware.

Bodies that cannot be parsed answer in the API's JSON error shape, before any other code reads them.

Django parses a form body on first access to request.POST, wherever that happens (the CSRF check,
the sign-in lock-out, ninja's form parameters). A multipart body without a boundary, or with an
over-long part header, then raises; outside the API view that is Django's HTML 400 (or a 500 page
under DEBUG). For /api/ this reads the body first and answers 422 (or 413 when too large) itself.
A body larger than API_MAX_BODY_BYTES is refused before a byte of it is parsed or stored.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.errors import error_body
from core.locks import busy, is_busy

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class ApiBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            refused = self.refused(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def refused(request):
        too_large = _("The request is too large.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            if length > settings.API_MAX_BODY_BYTES:
                raise RequestDataTooBig
            if request.content_type in FORM_TYPES:
                request.POST  # noqa: B018 - parse now, inside this try
            else:
                request.body  # noqa: B018 - read now: over DATA_UPLOAD_MAX_MEMORY_SIZE raises here
        except RequestDataTooBig:
            return JsonResponse(error_body(too_large, "too_large", {"body": [too_large]}), status=413)
        except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
            message = _("The form body could not be read.")
            return JsonResponse(error_body(_("Invalid input."), "invalid", {"body": [message]}), status=422)
        return None


class BusyMiddleware:
    """A page whose transaction the database rolled back for a deadlock (one that escaped, or
    outlasted, core.locks.retried) reads as a refusal of the moment, not a server error: the
    message above the page the person came from, or a page saying so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        message = busy().message
        back = request.META.get("HTTP_REFERER")
        if request.method == "POST" and back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
            messages.error(request, message)
            return redirect(back)
        return render(request, "busy.html", {"message": message}, status=409)
