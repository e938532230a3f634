from django.urls import path

from parkchain.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
]
