from django.urls import path
from rest_framework.routers import SimpleRouter

from lawyers import api

router = SimpleRouter()
router.register("lawyers", api.LawyerViewSet, basename="lawyer")
router.register("me/lawyer-profile/admissions", api.MyBarAdmissionViewSet, basename="my-admission")
router.register(
    "me/lawyer-profile/unavailabilities", api.MyUnavailabilityViewSet, basename="my-unavailability"
)

urlpatterns = [
    path("me/lawyer-profile/", api.MyLawyerProfileApi.as_view(), name="my-lawyer-profile"),
    path("me/lawyer-profile/availability/", api.MyAvailabilityApi.as_view(), name="my-availability"),
    *router.urls,
]
