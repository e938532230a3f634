from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parkchain.api.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("parks/", include("parkchain.organisations.urls")),
    path("enterprises/", include("parkchain.enterprises.urls")),
    path("chains/", include("parkchain.chains.urls")),
    path("reporting/", include("parkchain.indicators.urls")),
    path("evaluation/", include("parkchain.evaluation.urls")),
    path("targets/", include("parkchain.targets.urls")),
    path("cockpit/", include("parkchain.cockpit.urls")),
    path("api/", api.urls),
    path("account/tokens/", include("parkchain.api.urls")),
    path("", include("parkchain.core.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
