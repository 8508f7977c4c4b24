from django.urls import path
from rest_framework.routers import SimpleRouter

from engagements import api_delivery

router = SimpleRouter()
router.register("time-entries", api_delivery.TimeEntryViewSet, basename="time-entry")
router.register("ratings", api_delivery.RatingViewSet, basename="rating")
urlpatterns = [
    *router.urls,
    path("sla/", api_delivery.SlaView.as_view(), name="sla"),
]
