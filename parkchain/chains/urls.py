from django.urls import path

from parkchain.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list_view, name="list"),
    path("export.xlsx", views.chain_export, name="export"),
    path("<int:pk>/", views.chain_detail, name="detail"),
    path("<int:pk>/export.xlsx", views.chain_detail_export, name="detail_export"),
]
