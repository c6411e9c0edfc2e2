from django.urls import path

from mailinglists import views

app_name = "mailinglists"

urlpatterns = [
    path("account/lists/", views.my_lists, name="my_lists"),
    path("account/lists/leave-all/", views.leave_all, name="leave_all"),
    path("account/lists/<slug:slug>/join/", views.join, name="join"),
    path("account/lists/<slug:slug>/leave/", views.leave, name="leave"),
    path("account/lists/<slug:slug>/history/", views.history, name="history"),
    path("account/lists/<slug:slug>/archive/", views.archive, name="archive"),
    path("account/lists/<slug:slug>/archive/<int:pk>/", views.archive_post, name="archive_post"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
