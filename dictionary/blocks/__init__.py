"""Lesson blocks whose vocabulary comes from the dictionary.

Six XBlock types (``vocab_list``, ``flashcards``, ``listen_choose``,
``picture_match``, ``spelling``, ``dialogue``) registered by ``xblock.v1``
entry points like the built-in blocks. A block stores which entries it uses
(hand-picked ids, or topics and a level), never the entries' text: every view
reads the entries from the dictionary, so correcting an entry corrects every
lesson that uses it. Graded types grade on the server and never put the
answer on the page before the learner has answered.
"""

from __future__ import annotations
