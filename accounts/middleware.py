from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Chinese unless the person chose otherwise (the language cookie set by the switch).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English phone
    would get English pages; here pages are Chinese by default. API clients may still ask for
    a language with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED and request.path.startswith("/api/"):
            accepted = translation.get_language_from_request(request)
            language = accepted if accepted in SUPPORTED else None
        language = language if language in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
