from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("account/registrations/", views.registration_list, name="list"),
    path("account/registrations/new/", views.registration_create, name="create"),
    path("account/registrations/<int:pk>/", views.registration_detail, name="detail"),
    path("account/registrations/<int:pk>/edit/", views.registration_edit, name="edit"),
    path("account/registrations/<int:pk>/configuration/", views.configuration_edit, name="configuration"),
    path("account/registrations/<int:pk>/delete/", views.registration_delete, name="delete"),
]
