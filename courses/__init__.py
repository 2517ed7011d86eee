"""Programs, courses and the learner's progress through them.

Owns programs and tracks, the catalog, course → module → lesson structure,
publishing, enrollment, prerequisites, completion rules, progress records and
the gradebook. It does not know what a block is made of: it asks
``content_authoring.selectors`` for a lesson's blocks and receives their results
through ``courses.services.block_result_record``.
"""
