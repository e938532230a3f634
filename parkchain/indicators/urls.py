from django.urls import URLPattern, URLResolver, path

from parkchain.indicators import completeness_views, import_views
from parkchain.indicators import views as reporting_views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    # reporting desk, web entry, review, unlocks
    path("", reporting_views.reporting_home, name="home"),
    path(
        "entry/<slug:form_code>/<int:unit_id>/<int:year>/<int:month>/",
        reporting_views.report_entry_view,
        name="entry",
    ),
    path("review/", reporting_views.review, name="review"),
    path("review/<int:pk>/", reporting_views.submission_detail, name="submission"),
    path("review/<int:pk>/action/", reporting_views.review_action, name="review_action"),
    path("unlock/", reporting_views.unlock, name="unlock"),
    # Excel imports
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/template.xlsx", import_views.template_download, name="template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_errors, name="import_errors"),
    path("imports/<int:pk>/rollback/", import_views.import_rollback, name="import_rollback"),
    path("completeness/", completeness_views.completeness, name="completeness"),
    path("completeness/chase-list.xlsx", completeness_views.chase_list, name="chase_list"),
]
