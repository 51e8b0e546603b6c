"""Which language a request is answered in.

Readers: the address alone decides. English at the existing addresses, Arabic under /ar/
(`i18n_patterns(..., prefix_default_language=False)` in sitrep/urls.py). Neither a cookie nor
Accept-Language changes a public page, so one address is always one page in one language:
the page cache (keyed by the path) and any CDN can never serve English for /ar/ or the reverse,
and public pages need no `Vary: Accept-Language`.

Editors: the admin has one address in both languages and follows the editor's preference,
the language cookie (settings.LANGUAGE_COOKIE_NAME) or else the browser's Accept-Language;
those answers vary on both and are never cached (the page cache skips /admin/).

Routes that are the same in every language (the API, preview links, citation files) keep
their one unprefixed address; asked for under /ar/ they redirect there.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Where the language follows the person rather than the address.
EDITOR_PATHS = ("/admin/",)
# Route names (in the `reports` namespace) whose content does not depend on the language.
LANGUAGE_NEUTRAL_ROUTES = {
    *("cite-ris", "cite-csl-json", "preview"),
    *("api-reports", "api-report", "api-tags", "api-schema"),
}


def is_editor_path(path):
    return path.startswith(EDITOR_PATHS)


def unprefixed(path, language):
    """`path` without its /<language>/ prefix."""
    return path[len(language) + 1 :] if path.startswith(f"/{language}/") else path


class SiteLocaleMiddleware(LocaleMiddleware):
    def __call__(self, request):
        # Give the thread back in the language it had: Django's LocaleMiddleware leaves the
        # request's language active, and a later reverse() outside a request (a command, a
        # task, a test) would then build /ar/ addresses.
        before = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            translation.activate(before) if before else translation.deactivate()

    def process_request(self, request):
        if is_editor_path(request.path_info):
            translation.activate(translation.get_language_from_request(request, check_path=False))
            request.LANGUAGE_CODE = translation.get_language()
            return None
        super().process_request(request)
        language = translation.get_language_from_path(request.path_info)
        if language and language != settings.LANGUAGE_CODE:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
            if match.namespace == "reports" and match.url_name in LANGUAGE_NEUTRAL_ROUTES:
                return HttpResponsePermanentRedirect(unprefixed(request.get_full_path(), language))
        return None

    def process_response(self, request, response):
        if is_editor_path(request.path_info):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
