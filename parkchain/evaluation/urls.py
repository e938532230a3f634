from django.urls import path

from parkchain.evaluation import list_views, scheme_views, views

app_name = "evaluation"
urlpatterns = [
    path("", views.evaluation_home, name="home"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("runs/<int:pk>/report.docx", views.run_report, name="run_report"),
    path("runs/<int:pk>/publish/", views.run_publish_view, name="run_publish"),
    path("runs/<int:pk>/finalise/", views.run_finalise_view, name="run_finalise"),
    path("runs/<int:pk>/withdraw/", views.run_withdraw_view, name="run_withdraw"),
    path("runs/<int:pk>/reproduce/", views.run_reproduce_view, name="run_reproduce"),
    path("runs/<int:pk>/enterprises/<int:enterprise_pk>/", views.result_detail, name="result"),
    path(
        "runs/<int:pk>/enterprises/<int:enterprise_pk>/objection/",
        views.objection_new,
        name="objection_new",
    ),
    path("objections/<int:pk>/decide/", views.objection_decide_view, name="objection_decide"),
    path("runs/<int:pk>/parks/<int:park_pk>/", views.park_result_detail, name="park_result"),
    # 六个清单
    path("lists/", list_views.list_snapshot_index, name="lists"),
    path("lists/<int:pk>/", list_views.list_snapshot_detail, name="list_snapshot"),
    path("lists/<int:pk>/export.xlsx", list_views.list_snapshot_export, name="list_export"),
    # schemes and official results
    path("schemes/", scheme_views.scheme_index, name="schemes"),
    path("schemes/<int:pk>/", scheme_views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", scheme_views.scheme_edit, name="scheme_edit"),
    path("official/import/", scheme_views.official_import, name="official_import"),
]
