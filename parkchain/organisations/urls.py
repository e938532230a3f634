from django.urls import path

from parkchain.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.park_list_view, name="park_list"),
    path("export.xlsx", views.park_export, name="park_export"),
    path("<int:pk>/", views.park_detail, name="park_detail"),
]
