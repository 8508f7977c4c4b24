"""Delivery and dashboard pages, in the one `engagements` URL namespace.

Django reverses a namespace through its first include only, so these patterns extend the staffing
pages' (`engagements.urls`) rather than being included beside them: the project includes this module
in place of `engagements.urls`.
"""

from django.urls import path

from engagements import urls as staffing_urls
from engagements import views_delivery as views

app_name = "engagements"

urlpatterns = [
    *staffing_urls.urlpatterns,
    path("engagements/<int:pk>/delivery/", views.engagement_delivery, name="engagement-delivery"),
    path("engagements/<int:pk>/time/", views.time_entry_create, name="time-entry-create"),
    path("engagements/<int:pk>/rate/", views.engagement_rate, name="engagement-rate"),
    path("time-entries/<int:pk>/approve/", views.time_entry_approve, name="time-entry-approve"),
    path("time-entries/<int:pk>/reject/", views.time_entry_reject, name="time-entry-reject"),
]
urlpatterns += [
    path("sla/", views.sla_targets, name="sla-targets"),
]
urlpatterns += [
    path("dashboard/", views.client_dashboard, name="client-dashboard"),
    path("staff/dashboard/", views.staff_dashboard, name="staff-dashboard"),
]
