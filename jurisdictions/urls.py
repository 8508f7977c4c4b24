from django.urls import path

from jurisdictions import views

app_name = "jurisdictions"

urlpatterns = [
    path("", views.jurisdiction_list, name="list"),
    path("practice-areas/", views.practice_area_list, name="practice-areas"),
]
