"""Learner work that a person reads: practical-work uploads graded by a trainer
with a rubric, and discussion posts.

A sub-app of ``content_authoring`` with its own tables (label ``coursework``);
grades reach ``courses`` through the block runtime's ``publish``.
"""
