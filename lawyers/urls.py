from django.urls import path

from lawyers import views

app_name = "lawyers"

urlpatterns = [
    path("", views.my_profile, name="profile"),
    path("documents/<int:document_pk>/download/", views.document_download, name="document-download"),
    path("<int:pk>/", views.profile_detail, name="profile-detail"),
    path("<int:pk>/basics/", views.profile_basics, name="basics"),
    path("<int:pk>/documents/", views.profile_documents, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/submit/", views.profile_submit, name="submit"),
    path("<int:pk>/<slug:section>/", views.profile_section, name="section"),
]
