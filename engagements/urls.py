from django.urls import path

from engagements import views

app_name = "engagements"

urlpatterns = [
    path("matters/", views.matter_list, name="matter-list"),
    path("matters/new/", views.matter_create, name="matter-create"),
    path("matters/<int:pk>/", views.matter_detail, name="matter-detail"),
    path("matters/<int:pk>/edit/", views.matter_update, name="matter-update"),
    path("matters/<int:pk>/post/", views.matter_post, name="matter-post"),
    path("matters/<int:pk>/cancel/", views.matter_cancel, name="matter-cancel"),
]
urlpatterns += [
    path("matters/<int:pk>/matching/", views.matter_matching, name="matter-matching"),
    path("matters/<int:pk>/rerun/", views.matter_rerun, name="matter-rerun"),
]
