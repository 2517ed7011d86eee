"""Scheduled live sessions and the WebSocket room (issue 4). Empty for now."""
