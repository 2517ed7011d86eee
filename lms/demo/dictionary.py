"""The demo's Ê Đê dictionary and the course built on it.

The entries are the ABVD word list shipped in ``rade_words.json`` (CC BY 4.0,
credited there and on every entry page), one entry per form, created through
``dictionary.services.entry_save`` like any import. The Vietnamese glosses are
this project's translations of the source's English concepts and are marked
so (``gloss_vi_translated``). Topics and levels are the project's own choice,
by concept.

The demo adds what is missing and never overwrites: an editor's correction of
a demo entry, or a recording added to it, survives ``make demo``.

No entry gets a recording: nobody has recorded these words yet, and no speech
engine knows Ê Đê, so the demo never synthesises one and its course has no
listen-and-choose block.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from dictionary.models import Entry, Topic
from dictionary.services import EntryData, SenseData, entry_save
from lms.demo.courses import CREDIT, WORDS
from lms.demo.pictures import DRAWINGS, picture_webp

SOURCE = "ABVD 741"
LANGUAGE = "rad"
COURSE_SLUG = "tieng-ede-giao-tiep"

TOPICS = [
    # slug, Vietnamese name, English name
    ("family", "Gia đình", "Family"),
    ("body", "Cơ thể", "Body"),
    ("health", "Sức khoẻ", "Health"),
    ("nature", "Thiên nhiên", "Nature"),
    ("animals", "Động vật", "Animals"),
    ("farming", "Nông nghiệp", "Farming"),
    ("home", "Nhà cửa, đồ dùng", "Home and tools"),
    ("numbers", "Số đếm", "Numbers"),
    ("time", "Thời gian", "Time"),
    ("actions", "Hoạt động", "Actions"),
    ("descriptions", "Tính chất, màu sắc", "Qualities and colours"),
    ("communication", "Giao tiếp", "Talking with people"),
    ("places", "Vị trí, phương hướng", "Places and directions"),
]
# No "administration" topic: the ABVD basic vocabulary has no word of that
# field, and an empty topic would only be a dead end in the browse page.

_ACTIONS = [5, 7, 8, 9, 20, 21, 22, 28, 29, 33, 34, 35, 36, 37, 38, 39, 40, 41]
_ACTIONS += [42, 44, 46, 47, 48, 49, 50, 51, 52, 64, 66, 67, 69, 70, 71, 72, 73]
_ACTIONS += [74, 77, 78, 80, 83, 84, 85, 86, 88, 89, 90, 91, 92, 93, 94, 95, 101]
_ACTIONS += [123, 137, 144, 171, 172, 196]

# Topic slug -> ABVD concept numbers.
TOPIC_CONCEPTS: dict[str, list[int]] = {
    "family": [53, 54, 55, 56, 57, 58, 59, 60, 63],
    "body": [1, 4, 12, 13, 14, 15, 16, 17, 18, 19, 23, 24, 25, 26, 27, 30, 31, 32]
    + [43, 45],
    "health": [10, 23, 28, 35, 75, 76, 87, 160],
    "nature": [11, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124]
    + [125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 143, 145, 146],
    "animals": [96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109]
    + [110, 111],
    "farming": [79, 84, 86, 90, 93, 113, 114, 115, 116, 117, 118, 119, 122, 133],
    "home": [39, 61, 62, 65, 67, 68, 79, 125],
    "numbers": [196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 209]
    + [210],
    "time": [167, 168, 169, 170],
    "actions": _ACTIONS,
    "descriptions": [10, 81, 82, 112, 138, 140, 141, 142, 147, 148, 149, 150, 151]
    + [152, 153, 154, 155, 156, 157, 158, 159, 161, 162, 163, 164, 165, 166, 190],
    "communication": [20, 63, 64, 166, 170, 177, 178, 181, 183, 184, 185, 186, 187]
    + [188, 189, 191, 193, 195],
    "places": [2, 3, 6, 173, 174, 175, 176, 177, 178, 179, 180, 181],
}

# Level 1: the words of the first lessons; 3: grammar words and rarer verbs;
# every other concept is level 2.
LEVEL_1 = {5, 7, 20, 37, 40, 44, 46, 48, 51, 53, 54, 55, 56, 57, 58, 59, 60, 61}
LEVEL_1 |= {63, 64, 83, 91, 114, 116, 117, 119, 122, 129, 130, 133, 136, 143}
LEVEL_1 |= {167, 168, 169, 170, 181, 183, 189, 195}
LEVEL_1 |= set(range(197, 207))
LEVEL_3 = {16, 17, 35, 36, 42, 47, 71, 73, 74, 77, 80, 87, 88, 108, 132, 161}
LEVEL_3 |= {171, 173, 175, 176, 190, 191, 193}
# A form the source marks as archaic, very familiar or a second form of a
# level-1 word that a beginner does not need first.
FORM_LEVEL = {"44-2": 3, "183-2": 3, "53-1": 2, "143-2": 2}


def source_id(word: dict) -> str:
    """Stable id of a form: its concept and its place among the concept's forms."""
    return f"{word['concept_id']}-{word['n']}"


def _level(word: dict) -> int:
    if source_id(word) in FORM_LEVEL:
        return FORM_LEVEL[source_id(word)]
    if word["concept_id"] in LEVEL_1:
        return 1
    return 3 if word["concept_id"] in LEVEL_3 else 2


def load_dictionary() -> dict[str, Entry]:
    """Create the missing topics and entries (with their pictures); return
    the demo's entries by source id."""
    topics = {}
    for slug, name_vi, name_en in TOPICS:
        topics[slug] = Topic.objects.get_or_create(
            slug=slug, defaults={"name_vi": name_vi, "name_en": name_en}
        )[0]
    concept_topics: dict[int, list[Topic]] = {}
    for slug, concepts in TOPIC_CONCEPTS.items():
        for concept in concepts:
            concept_topics.setdefault(concept, []).append(topics[slug])
    existing = {
        e.source_id: e for e in Entry.objects.filter(language=LANGUAGE, source=SOURCE)
    }
    for word in WORDS["words"]:
        key = source_id(word)
        if key in existing:
            continue
        entry, _created = entry_save(
            actor=None,  # the demo loader, run by whoever runs `make demo`
            data=EntryData(
                language=LANGUAGE,
                headword=word["form"],
                level=_level(word),
                senses=[
                    SenseData(
                        gloss_en=word["gloss_en"],
                        gloss_vi=word["gloss_vi"],
                        gloss_vi_translated=True,
                    )
                ],
                source=SOURCE,
                source_id=key,
            ),
            note="Demo data: ABVD 741 word list",
        )
        entry.topics.set(concept_topics.get(word["concept_id"], []))
        existing[key] = entry
    for word in WORDS["words"]:
        entry = existing[source_id(word)]
        if word["concept_id"] in DRAWINGS and not _has_file(entry):
            entry.image.save(
                f"ede-{source_id(word)}.webp",
                ContentFile(picture_webp(word["concept_id"])),
            )
    return existing


def _has_file(entry: Entry) -> bool:
    name = entry.image.name
    return name is not None and name != "" and entry.image.storage.exists(name)


# --- the course -------------------------------------------------------------

# The words of each lesson: source ids ("53-2") or concepts (their first form).
FAMILY: list[str | int] = ["53-2", 54, 55, 56, 57, 58, 59, 60, 63, "183-1", 189]
NUMBERS: list[str | int] = [197, 198, 199, 200, 201, 202, 203, 204, 205, 206]
NUMBERS_MORE: list[str | int] = [207, 209, 210]
NATURE: list[str | int] = [119, 122, 133, 136, 143, 129, 130, 114, 116, 117]
# Picture-and-word matching, seven pictures at a time (a phone screen).
PICTURES_1: list[str | int] = [122, 133, 143, 129, 130, 120, 131]
PICTURES_2: list[str | int] = [61, 111, 97, 114, 116, 117, 6]
# Question words answered with one word: each line is a real entry, and the
# lesson says that the dictionary has words, not sentences, yet.
DIALOGUE = [
    ("A", "181-1"),  # ti lei? (ở đâu?)
    ("B", "61-1"),  # sang (nhà)
    ("A", "170-1"),  # hbĭl? (khi nào?)
    ("B", "167-1"),  # mlam (đêm)
    ("A", "189-1"),  # hlei? (ai?)
    ("B", "60-1"),  # ama (cha)
]


def _html(text: str) -> dict:
    return {"type": "html", "html": text}


def _intro() -> str:
    search = reverse("dictionary:search")
    return (
        "<p>Khoá học giúp cán bộ, công chức làm việc ở vùng đồng bào Ê Đê nắm "
        "những từ dùng hằng ngày: con người và gia đình, số đếm, thiên nhiên "
        "quanh buôn làng và những việc thường làm.</p>"
        f'<p>Mọi từ trong bài lấy từ <a href="{search}">Từ điển</a> của hệ thống: '
        "chạm vào một từ tiếng Ê Đê để xem nghĩa. Những từ đã gặp trong thẻ từ "
        "được đưa vào phần ôn tập hằng ngày của bạn.</p>"
        "<p>Các từ này chưa có bản ghi âm của người nói tiếng Ê Đê, nên khoá học "
        "chưa có bài nghe. Hệ thống không dùng giọng đọc máy cho tiếng Ê Đê, vì "
        "giọng máy sẽ đọc sai. Tranh minh hoạ do dự án tự vẽ.</p>"
        f'<p class="muted"><small>{CREDIT}</small></p>'
    )


def course_spec(entries: dict[str, Entry]) -> dict:
    """The course "Tiếng Êđê giao tiếp cho cán bộ", in the format of
    ``lms.demo.courses.COURSES``, its blocks pointing at ``entries``."""

    def ids(keys: list[str | int]) -> list[int]:
        return [entries[k if isinstance(k, str) else f"{k}-1"].pk for k in keys]

    def pick(kind: str, title: str, keys: list[str | int], **more) -> dict:
        return {
            "type": kind,
            "display_name": title,
            "language": LANGUAGE,
            "entry_ids": ids(keys),
            "max_items": max(10, len(keys)),
            **more,
        }

    def by_topic(kind: str, title: str, topic: str, max_level: int) -> dict:
        return {
            "type": kind,
            "display_name": title,
            "language": LANGUAGE,
            "entry_ids": [],
            "topics": [topic],
            "max_level": max_level,
            "max_items": 15,
        }

    dialogue = {
        "type": "dialogue",
        "display_name": "Hỏi – đáp một từ",
        "language": LANGUAGE,
        "entry_ids": [],  # a dialogue's words are its lines
        "lines": [
            {"speaker": speaker, "entry_id": entries[key].pk}
            for speaker, key in DIALOGUE
        ],
    }
    spelling = "Viết đúng chính tả"
    lessons = [
        (
            "Con người và gia đình",
            [
                _html(_intro()),
                pick("vocab_list", "Từ vựng: người và gia đình", FAMILY),
                pick("flashcards", "Thẻ từ: người và gia đình", FAMILY),
                pick("spelling", spelling, [59, 58, 63, 56, 55]),
            ],
        ),
        (
            "Số đếm",
            [
                _html(
                    "<p>Đếm từ một đến mười, rồi hai mươi, một trăm, một nghìn. "
                    'Chú ý: <span lang="rad">năm</span> trong tiếng Ê Đê là '
                    'sáu; năm là <span lang="rad">êma</span>.</p>'
                ),
                pick("vocab_list", "Từ vựng: số đếm", NUMBERS + NUMBERS_MORE),
                pick("flashcards", "Thẻ từ: một đến mười", NUMBERS),
                pick("spelling", "Viết số bằng tiếng Ê Đê", [199, 200, 202, 203, 206]),
            ],
        ),
        (
            "Thiên nhiên quanh buôn làng",
            [
                pick("vocab_list", "Từ vựng: thiên nhiên", NATURE),
                pick("picture_match", "Nối tranh với từ: trời và đất", PICTURES_1),
                pick("picture_match", "Nối tranh với từ: quanh nhà", PICTURES_2),
                pick("flashcards", "Thẻ từ: thiên nhiên", NATURE),
                pick("spelling", spelling, [133, 119, 130, 97, 136]),
            ],
        ),
        (
            "Việc thường làm và câu hỏi ngắn",
            [
                by_topic("vocab_list", "Từ vựng: hoạt động", "actions", 1),
                by_topic("flashcards", "Thẻ từ: hoạt động", "actions", 1),
                _html(
                    "<p>Từ điển hiện có từ đơn, chưa có câu. Đoạn hỏi – đáp dưới "
                    "đây chỉ ghép một từ để hỏi với một từ trả lời, như khi ta hỏi "
                    "gọn: “Ở đâu?” – “Nhà.”</p>"
                ),
                dialogue,
                pick("spelling", spelling, [83, 64, 46, 40, "44-1", 20]),
            ],
        ),
    ]
    return {
        "slug": COURSE_SLUG,
        "program": "ngon-ngu-dan-toc",
        "title": "Tiếng Êđê giao tiếp cho cán bộ",
        "summary": (
            "Từ vựng giao tiếp hằng ngày bằng tiếng Ê Đê, học bằng thẻ từ, tranh "
            "và bài viết chính tả, ôn tập theo lịch mỗi ngày."
        ),
        "description": (
            "Dành cho cán bộ, công chức làm việc ở vùng đồng bào Ê Đê. Từ vựng "
            "lấy từ Từ điển của hệ thống.\n\n" + CREDIT
        ),
        "language": LANGUAGE,
        "target_group": "officials",
        "hours": 8,
        "modules": [("Giao tiếp hằng ngày", lessons)],
    }
