from django.urls import path

from parkchain.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.book_view, name="home"),
    path("books/new/", views.book_create, name="book_new"),
    path("books/<int:pk>/issue/", views.book_issue, name="book_issue"),
    path("books/<int:pk>/freeze/", views.book_freeze, name="book_freeze"),
    path("books/<int:book_pk>/targets/new/", views.target_create, name="target_new"),
    path("books/<int:book_pk>/milestones/new/", views.milestone_create, name="milestone_new"),
    path(
        "books/<int:book_pk>/supervision/from-red/",
        views.supervision_from_red,
        name="supervision_from_red",
    ),
    path(
        "books/<int:book_pk>/accountability/new/",
        views.accountability_create,
        name="accountability_new",
    ),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone"),
    path("dispatch/", views.dispatch_view, name="dispatch"),
    path("dispatch/bulletin.docx", views.bulletin_download, name="bulletin"),
    path("supervision/", views.supervision_view, name="supervision"),
    path("supervision/list.docx", views.supervision_list_download, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision_task_detail, name="supervision_task"),
]
