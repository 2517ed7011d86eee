"""Media assets for weak networks: uploads, low-bitrate renditions, posters,
narrated slides and subtitles.

A sub-app of ``content_authoring`` with its own tables (label ``media_assets``).
Processing runs in background tasks; blocks refer to assets by id.
"""
