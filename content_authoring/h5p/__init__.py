"""H5P packages: upload, validation, storage and playing with h5p-standalone.

A sub-app of ``content_authoring`` with its own tables (label ``h5p``). It
reports scores only through the block runtime (the ``h5p`` block type), never
to ``courses`` directly.
"""
