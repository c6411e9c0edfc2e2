from django.urls import path  # noqa: F401  (the app's URLs arrive with its issue)

app_name = "mailinglists"

urlpatterns = []
