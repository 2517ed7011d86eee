"""Everything a lesson is made of.

Owns the block runtime (built on the ``XBlock`` library), the built-in block
types, their stored field data, and (later) H5P packages, media processing and
the authoring UI. It reports learner results to ``courses.services`` and never
decides course progress or completion itself.
"""
