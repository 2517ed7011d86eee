"""The project package, and people and places.

Owns settings, root URLs, the ASGI entry, base templates and static files; the
custom user and roles, learner profiles, reference data (communes with their
former districts, the 54 ethnic groups), cohorts, bulk import of people,
dashboards and reports. It must not hold course, lesson or block rules: those
belong to ``courses`` and ``content_authoring``.
"""
