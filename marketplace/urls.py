from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.urls import auth_urlpatterns
from marketplace import views

api_v1 = [
    path("", include("jurisdictions.api_urls")),
    path("", include("lawyers.api_urls")),
    path("", include("engagements.api_urls")),
    path("", include("engagements.api_delivery_urls")),
    path("", include("notifications.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("jurisdictions/", include("jurisdictions.urls")),
    path("lawyers/", include("lawyers.urls")),
    path("notifications/", include("notifications.urls")),
    # Matters and staffing (engagements.urls), extended with the delivery and dashboard pages.
    path("", include("engagements.urls_delivery")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file, so the docs work under our no-inline-script CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "marketplace.views.bad_request"
handler403 = "marketplace.views.permission_denied"
handler404 = "marketplace.views.page_not_found"
handler500 = "marketplace.views.server_error"

admin.site.site_header = "Counsel Network — talent team"
admin.site.site_title = "Counsel Network admin"
admin.site.index_title = "Network operations"
