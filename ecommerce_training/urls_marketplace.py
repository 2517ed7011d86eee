"""URLs of the practice marketplace (names resolve as "ecommerce:<name>")."""

from django.urls import path

from ecommerce_training import views_marketplace as views

urlpatterns = [
    path("shops/", views.shop_home, name="shop_home"),
    path("shops/new/", views.shop_create, name="shop_create"),
    path("shops/<int:shop_id>/", views.shop_detail, name="shop_detail"),
    path("shops/<int:shop_id>/edit/", views.shop_edit, name="shop_edit"),
    path("shops/<int:shop_id>/listings.csv", views.shop_export, name="shop_export"),
    path(
        "shops/<int:shop_id>/listings/new/",
        views.listing_create,
        name="listing_create",
    ),
    path(
        "shops/<int:shop_id>/send-orders/",
        views.orders_send_shop,
        name="orders_send_shop",
    ),
    path(
        "shops/workshop/<int:workshop_id>/send-orders/",
        views.orders_send_workshop,
        name="orders_send_workshop",
    ),
    path("listings/<int:listing_id>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:listing_id>/edit/", views.listing_edit, name="listing_edit"),
    path(
        "listings/<int:listing_id>/photos/",
        views.listing_photos_upload,
        name="listing_photos_upload",
    ),
    path(
        "listings/photos/<int:photo_id>/delete/",
        views.listing_photo_delete,
        name="listing_photo_delete",
    ),
    path(
        "listings/<int:listing_id>/comments/",
        views.listing_comment,
        name="listing_comment",
    ),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
]
