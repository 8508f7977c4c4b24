from rest_framework.routers import SimpleRouter

from jurisdictions import api

router = SimpleRouter()
router.register("jurisdictions", api.JurisdictionViewSet, basename="jurisdiction")
router.register("practice-areas", api.PracticeAreaViewSet, basename="practice-area")
router.register("exchange-rates", api.ExchangeRateViewSet, basename="exchange-rate")
urlpatterns = router.urls
