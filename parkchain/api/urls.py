from django.urls import path

from parkchain.api import views

urlpatterns = [
    path("", views.api_tokens, name="api_tokens"),
    path("<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
