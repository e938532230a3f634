"""The JSON API: one NinjaAPI, each app mounts its router. OpenAPI schema and docs at /api/docs.

Auth: an API token (``Authorization: Bearer pc_…``, see /account/tokens/) or the browser session
(for the docs page's "try it out"). Every operation is scoped to that user through the selectors.
The docs page is served from django-ninja's bundled Swagger UI files (``ninja`` is in
INSTALLED_APPS), so it loads nothing from a CDN.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from parkchain.api.auth import AUTH
from parkchain.api.errors import install_exception_handlers

api = NinjaAPI(
    title="parkchain API",
    version="1",
    description=(
        "园区与产业链数字化平台 JSON API. Every call is scoped to the token's user: rows outside "
        "the scope answer 404 exactly like missing rows. Send `Authorization: Bearer <token>` "
        '(create tokens under /account/tokens/). Errors are `{"detail": …, "issues": […]}` '
        "in the language of Accept-Language (default Chinese)."
    ),
    docs=Swagger(settings={"persistAuthorization": False, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    urls_namespace="api",
    auth=AUTH,
)
install_exception_handlers(api)


def _mount() -> None:
    from parkchain.chains.api import router as chains
    from parkchain.enterprises.api import router as enterprises
    from parkchain.indicators.api import router as indicators
    from parkchain.organisations.api import router as organisations

    for router in (organisations, enterprises, chains, indicators):
        api.add_router("/", router)


_mount()
