"""makemessages without gettext's fuzzy matching: a translation guessed from a
similar message ("Province administrator" given the text of "Only province
administrators manage people.") is worse than an empty one, which shows English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
