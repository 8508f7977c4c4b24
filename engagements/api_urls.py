from rest_framework.routers import SimpleRouter

from engagements import api

router = SimpleRouter()
router.register("matters", api.MatterViewSet, basename="matter")
urlpatterns = router.urls
