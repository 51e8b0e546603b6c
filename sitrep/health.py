from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness: the process answers. Constant and database-free, so it is also the
    benchmark's reference for what a request costs before any page work."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
