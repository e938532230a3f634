"""The JSON API: one NinjaAPI, each app mounts its router. OpenAPI schema and docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="parkchain API",
    version="1",
    description="园区与产业链数字化平台 JSON API. Every call is scoped to the token's user.",
    docs_url="/docs",
    urls_namespace="api",
)
