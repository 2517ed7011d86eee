"""WebSocket routes of every app."""

from django.urls import path

from live_classes.consumers import LiveRoomConsumer

websocket_urlpatterns: list = [
    path("ws/live/<int:session_id>/", LiveRoomConsumer.as_asgi()),
]
