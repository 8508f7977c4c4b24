from rest_framework.routers import SimpleRouter

from engagements import api

router = SimpleRouter()
router.register("matters", api.MatterViewSet, basename="matter")
router.register("offers", api.OfferViewSet, basename="offer")
router.register("engagements", api.EngagementViewSet, basename="engagement")
urlpatterns = router.urls
