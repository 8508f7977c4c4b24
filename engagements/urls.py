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
urlpatterns += [
    # Clients: offers on a matter's seats, and the engagements they became.
    path("matters/<int:pk>/seats/<int:seat_pk>/offer/", views.offer_create, name="offer-create"),
    path("matters/<int:pk>/offer-team/", views.offer_team, name="offer-team"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer-withdraw"),
    path("engagements/<int:pk>/complete/", views.engagement_complete, name="engagement-complete"),
    path("engagements/<int:pk>/terminate/", views.engagement_terminate, name="engagement-terminate"),
    # Lawyers: the offers made to them, and their engagements.
    path("offers/", views.offer_inbox, name="offer-inbox"),
    path("offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/nda/", views.offer_accept_nda, name="offer-accept-nda"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer-accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer-decline"),
    path("engagements/", views.lawyer_engagements, name="lawyer-engagements"),
]
