"""WebSocket routes of every app (live classes add theirs here)."""

websocket_urlpatterns: list = []
