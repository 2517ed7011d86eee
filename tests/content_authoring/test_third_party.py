"""Third-party XBlocks from PyPI, unchanged, in lessons: drag-and-drop v2.

``xblock-drag-and-drop-v2`` (Open edX's drag-and-drop problem, entry point
``drag-and-drop-v2``) runs on the real runtime, the real handler view with the
session and CSRF, and the real progress records.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client
from web_fragments.fragment import Fragment
from xblock.core import XBlock, XBlockAside
from xblock.fields import Scope, String

from content_authoring.models import Block, BlockUserState
from content_authoring.runtime import (
    PROVIDED_SERVICES,
    BlockRuntime,
    BlockServicesMissing,
    block_type_check,
)
from content_authoring.selectors import lesson_render
from courses.models import Attempt, BlockSummary, Enrollment

DND = "drag-and-drop-v2"

# Two seedlings to put where they grow; a third item belongs nowhere (a decoy).
DND_DATA = {
    "targetImgDescription": "Sơ đồ vườn cà phê",
    "zones": [
        {"uid": "shade", "title": "Dưới bóng râm", "description": "Vùng râm",
         "x": 10, "y": 10, "width": 200, "height": 150, "align": "center"},
        {"uid": "sun", "title": "Ngoài nắng", "description": "Vùng nắng",
         "x": 250, "y": 10, "width": 200, "height": 150, "align": "center"},
    ],
    "items": [
        {"displayName": "Cây cà phê con", "zones": ["shade"], "imageURL": "",
         "id": 0, "feedback": {"correct": "Đúng: cây con cần bóng râm.",
                               "incorrect": "Chưa đúng."}},
        {"displayName": "Cây muồng", "zones": ["sun"], "imageURL": "", "id": 1,
         "feedback": {"correct": "Đúng: cây che bóng trồng ngoài nắng.",
                      "incorrect": "Chưa đúng."}},
    ],
    "feedback": {"start": "Kéo cây vào chỗ trồng.", "finish": "Hoàn thành!"},
}  # fmt: skip


def _dnd(lesson, *, mode="assessment", position=3, **fields) -> Block:
    return Block.objects.create(
        lesson=lesson,
        block_type=DND,
        position=position,
        fields={
            "display_name": "Trồng cây đúng chỗ",
            "mode": mode,
            "max_attempts": 3,
            "data": DND_DATA,
            **fields,
        },
        required=True,
        graded=True,
    )


@pytest.fixture
def dnd(lesson):
    return _dnd(lesson)


def _call(client, block, handler, data=None, *, submission_id=None, csrf=True):
    """What jQuery's ``$.post(url, JSON.stringify(data), 'json')`` sends, with the
    headers xblock-runtime.js adds."""
    headers = {"HTTP_ACCEPT": "application/json, text/javascript, */*; q=0.01"}
    if csrf:
        headers["HTTP_X_CSRFTOKEN"] = client.csrf
    if submission_id is not False:
        headers["HTTP_X_SUBMISSION_ID"] = str(submission_id or uuid.uuid4())
    return client.post(
        f"/blocks/{block.pk}/handler/{handler}/",
        json.dumps(data if data is not None else {}),
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
        **headers,
    )


def _render(lesson, user, rf):
    request = rf.get(f"/courses/x/lessons/{lesson.pk}/")
    request.user = user
    return lesson_render(request=request, user=user, lesson=lesson)


# --- rendering ------------------------------------------------------------------


def test_drag_and_drop_renders_in_a_lesson_with_the_xblock_js_runtime(
    enrolled, lesson, dnd, rf
):
    rendered = _render(lesson, enrolled, rf)
    block = next(b for b in rendered.blocks if b.block.pk == dnd.pk)
    assert block.available
    html = str(block.html)
    assert f'data-usage-id="{dnd.pk}"' in html
    assert 'data-block-type="drag-and-drop-v2"' in html
    assert 'data-init="DragAndDropBlock"' in html
    assert 'data-runtime-class="DaklakRuntime" data-runtime-version="1"' in html
    assert f'data-handler-prefix="/blocks/{dnd.pk}/handler/"' in html
    assert "xblock--drag-and-drop" in html  # the block's own template
    args = json.loads(
        re.search(
            r'<script type="json/xblock-args" class="xblock-json-init-args">(.*?)'
            r"</script>",
            html,
            re.S,
        ).group(1)
    )
    assert [i["displayName"] for i in args["items"]] == ["Cây cà phê con", "Cây muồng"]
    assert args["mode"] == "assessment"
    # The answer key stays on the server.
    assert all("zones" not in item and "feedback" not in item for item in args["items"])
    assert "Đúng: cây con cần bóng râm." not in html


def test_third_party_scripts_come_after_jquery_and_the_runtime_in_order(
    enrolled, lesson, dnd, rf
):
    rendered = _render(lesson, enrolled, rf)
    head, foot = str(rendered.head_html), str(rendered.foot_html)
    assert "/blocks/resource/drag-and-drop-v2/public/css/drag_and_drop.css" in head
    jquery = foot.index("vendor/jquery/jquery.min.js")
    runtime = foot.index("content_authoring/xblock-runtime.js")
    block_code = foot.index("function DragAndDropBlock(runtime, element")
    assert jquery < runtime < block_code
    # Inline block code runs in document order, so files must not be deferred.
    assert " defer" not in foot
    assert foot.count("vendor/jquery/jquery.min.js") == 1


def test_two_third_party_blocks_share_one_copy_of_each_script(enrolled, lesson, rf):
    _dnd(lesson, position=3)
    _dnd(lesson, position=4)
    foot = str(_render(lesson, enrolled, rf).foot_html)
    assert foot.count("vendor/jquery/jquery.min.js") == 1
    assert foot.count("content_authoring/xblock-runtime.js") == 1
    assert foot.count("function DragAndDropBlock(runtime, element") == 1


def test_a_lesson_of_built_in_blocks_loads_neither_jquery_nor_the_xblock_runtime(
    enrolled, lesson, rf
):
    rendered = _render(lesson, enrolled, rf)
    page = str(rendered.head_html) + str(rendered.foot_html)
    assert "jquery" not in page
    assert "xblock-runtime.js" not in page
    assert all("data-init=" not in str(b.html) for b in rendered.blocks)


def test_xblock_settings_reach_the_block_through_the_settings_service(
    enrolled, lesson, dnd, rf, settings
):
    settings.XBLOCK_SETTINGS = {
        "drag-and-drop-v2": {
            "theme": {
                "package": "drag_and_drop_v2",
                "locations": ["public/themes/apros.css"],
            }
        }
    }
    head = str(_render(lesson, enrolled, rf).head_html)
    # The Apros theme's CSS, inlined by the block's ThemableXBlockMixin.
    assert ".themed-xblock.xblock--drag-and-drop" in head


def test_init_arguments_cannot_close_their_script_element(enrolled, lesson, rf):
    class ArgsBlock(XBlock):
        def student_view(self, context=None):
            frag = Fragment("<p>x</p>")
            frag.initialize_js("ArgsBlock", {"text": "</script><script>alert(1)"})
            return frag

    block = Block.objects.create(lesson=lesson, block_type="args_test", position=9)

    @XBlock.register_temp_plugin(ArgsBlock, "args_test")
    def scenario():
        return BlockRuntime(user=enrolled).render_usage(block.pk)

    fragment, available = scenario()
    assert available
    html = fragment.body_html()
    assert "<script>alert" not in html
    assert "\\u003C/script\\u003E" in html


# --- answering through the handler URLs -----------------------------------------


def test_state_is_read_through_a_post_to_the_handler(csrf_client, enrolled, dnd):
    # jQuery asks for it with GET; xblock-runtime.js sends it as a POST.
    response = _call(csrf_client(enrolled), dnd, "student_view_user_state")
    assert response.status_code == 200
    state = response.json()
    assert state["items"] == {} and state["attempts"] == 0


def test_placing_items_and_checking_records_the_grade_once_in_progress(
    csrf_client, enrolled, course, lesson, dnd
):
    client = csrf_client(enrolled)
    for item, zone in ((0, "shade"), (1, "sun")):
        response = _call(client, dnd, "drop_item", {"val": item, "zone": zone})
        assert response.status_code == 200, response.content
    assert not Attempt.objects.exists()  # placing is not answering
    state = BlockUserState.objects.get(user=enrolled, block=dnd).state
    assert set(state["item_state"]) == {"0", "1"}

    sent = uuid.uuid4()
    response = _call(client, dnd, "do_attempt", {}, submission_id=sent)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["correct"] is True and body["attempts"] == 1

    attempt = Attempt.objects.get(user=enrolled, block=dnd)
    assert attempt.submission_id == sent
    assert (attempt.kind, attempt.score, attempt.max_score) == ("grade", 1.0, 1.0)
    summary = BlockSummary.objects.get(user=enrolled, block=dnd)
    assert summary.score == 1.0 and summary.completed_at is not None
    enrollment = Enrollment.objects.get(user=enrolled, course=course)
    # Three required blocks (text, question, drag-and-drop); one is done, and it
    # is one of the two graded blocks, answered fully.
    assert enrollment.progress == pytest.approx(1 / 3)
    assert enrollment.score == pytest.approx(0.5)


def test_a_wrong_answer_records_a_partial_score(csrf_client, enrolled, dnd):
    client = csrf_client(enrolled)
    _call(client, dnd, "drop_item", {"val": 0, "zone": "sun"})
    _call(client, dnd, "drop_item", {"val": 1, "zone": "sun"})
    body = _call(client, dnd, "do_attempt", {}).json()
    assert body["correct"] is False and body["misplaced_items"] == ["0"]
    summary = BlockSummary.objects.get(user=enrolled, block=dnd)
    assert (summary.score, summary.max_score) == (0.5, 1.0)


def test_resending_the_same_check_counts_once(
    csrf_client, enrolled, dnd, django_capture_on_commit_callbacks
):
    client = csrf_client(enrolled)
    _call(client, dnd, "drop_item", {"val": 0, "zone": "shade"})
    _call(client, dnd, "drop_item", {"val": 1, "zone": "sun"})
    sent = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = _call(client, dnd, "do_attempt", {}, submission_id=sent)
    again = _call(client, dnd, "do_attempt", {}, submission_id=sent)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Attempt.objects.filter(user=enrolled, block=dnd).count() == 1
    assert BlockSummary.objects.get(user=enrolled, block=dnd).attempts == 1
    # The resend did not run the handler: the block still counts one try.
    state = BlockUserState.objects.get(user=enrolled, block=dnd).state
    assert state["attempts"] == 1
    # A new check (a new submission id) is a second try.
    assert _call(client, dnd, "do_attempt", {}).json()["attempts"] == 2


def test_a_resend_that_publishes_again_is_rolled_back(csrf_client, enrolled, lesson):
    # Standard mode publishes a grade on every drop that raises the score. The
    # first answer's cache entry is lost (never committed here): the resend runs
    # the handler again, and its writes are undone because the grade was seen.
    block = _dnd(lesson, mode="standard", position=5)
    client = csrf_client(enrolled)
    sent = uuid.uuid4()
    first = _call(
        client, block, "drop_item", {"val": 0, "zone": "sun"}, submission_id=sent
    )
    assert first.json()["correct"] is False
    BlockUserState.objects.filter(user=enrolled, block=block).update(state={})
    again = _call(
        client, block, "drop_item", {"val": 0, "zone": "sun"}, submission_id=sent
    )
    assert again.status_code == 200
    assert Attempt.objects.filter(user=enrolled, block=block).count() == 1
    assert not BlockUserState.objects.get(user=enrolled, block=block).state


def test_standard_mode_grades_each_drop_and_keeps_the_best(
    csrf_client, enrolled, lesson
):
    block = _dnd(lesson, mode="standard", position=5)
    client = csrf_client(enrolled)
    wrong = _call(client, block, "drop_item", {"val": 0, "zone": "sun"}).json()
    assert wrong["correct"] is False
    _call(client, block, "drop_item", {"val": 0, "zone": "shade"})
    right = _call(client, block, "drop_item", {"val": 1, "zone": "sun"}).json()
    assert right["correct"] is True and right["finished"] is True
    summary = BlockSummary.objects.get(user=enrolled, block=block)
    assert (summary.score, summary.max_score) == (1.0, 1.0)
    assert summary.completed_at is not None


def test_a_block_error_is_its_own_answer_not_a_server_error(csrf_client, enrolled, dnd):
    # do_attempt with attempts used up: the block answers 409 with its message.
    block = _dnd(dnd.lesson, position=6, max_attempts=1)
    client = csrf_client(enrolled)
    assert _call(client, block, "do_attempt", {}).status_code == 200
    refused = _call(client, block, "do_attempt", {})
    assert refused.status_code == 409
    assert "attempts" in refused.json()["error"].lower()
    assert Attempt.objects.filter(block=block).count() == 1


def test_handler_call_without_the_csrf_token_is_refused(csrf_client, enrolled, dnd):
    client = csrf_client(enrolled)
    _call(client, dnd, "drop_item", {"val": 0, "zone": "shade"})
    response = _call(client, dnd, "do_attempt", {}, csrf=False)
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_handler_call_without_a_submission_id_is_refused(csrf_client, enrolled, dnd):
    response = _call(csrf_client(enrolled), dnd, "do_attempt", {}, submission_id=False)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Attempt.objects.exists()
    assert not BlockUserState.objects.exists()


def test_anonymous_handler_call_is_refused(dnd, db):
    client = Client()
    response = client.post(
        f"/blocks/{dnd.pk}/handler/do_attempt/",
        "{}",
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
        HTTP_X_SUBMISSION_ID=str(uuid.uuid4()),
    )
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_learner_not_enrolled_cannot_call_the_handlers(csrf_client, learner, dnd):
    client = csrf_client(learner)
    assert _call(client, dnd, "drop_item", {"val": 0, "zone": "shade"}).status_code == (
        403
    )
    assert _call(client, dnd, "do_attempt", {}).status_code == 403
    assert not Attempt.objects.exists()
    assert not BlockUserState.objects.exists()


# --- static resources --------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "content_type"),
    [
        ("public/css/drag_and_drop.css", "text/css"),
        ("public/img/triangle.png", "image/png"),
        ("public/js/drag_and_drop.js", "text/javascript"),
    ],
)
def test_the_blocks_static_files_are_served_through_django(
    client, db, uri, content_type
):
    response = client.get(f"/blocks/resource/drag-and-drop-v2/{uri}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert b"".join(response.streaming_content)


def test_files_outside_the_blocks_public_folder_are_not_served(client, db):
    for uri in ("drag_and_drop_v2.py", "public/../utils.py", "templates/html/x.html"):
        assert client.get(f"/blocks/resource/drag-and-drop-v2/{uri}").status_code == 404


# --- services the platform does not provide ------------------------------------------


@XBlock.needs("teleporter")
@XBlock.needs("i18n")
@XBlock.wants("weather")
class _NeedsTeleporterBlock(XBlock):
    note = String(scope=Scope.content, default="")

    def student_view(self, context=None):
        return Fragment("<p>TELEPORTED</p>")

    def studio_view(self, context=None):
        return Fragment("<p>EDIT TELEPORTER</p>")

    @XBlock.json_handler
    def go(self, data, suffix=""):
        return {"went": True}


@pytest.fixture
def needy_type():
    name = "teleporter_test"
    with_plugin = XBlock.register_temp_plugin(_NeedsTeleporterBlock, name)
    yield with_plugin, name


def test_block_type_check_names_the_services_a_block_needs_and_lacks(needy_type):
    with_plugin, name = needy_type
    check = with_plugin(lambda: block_type_check(name))()
    assert check.available is False
    assert check.missing_services == ("teleporter",)  # "weather" is only wanted
    assert name in check.message and "teleporter" in check.message


def test_block_type_check_accepts_the_real_third_party_block():
    check = block_type_check(DND)
    assert check.available and check.message == "" and check.missing_services == ()


def test_block_type_check_of_a_type_that_is_not_installed():
    check = block_type_check("no_such_block_type")
    assert check.available is False
    assert "no_such_block_type" in check.message


def test_every_provided_service_is_offered_by_the_runtime(learner):
    assert set(BlockRuntime(user=learner)._services) == PROVIDED_SERVICES


def test_a_block_needing_a_missing_service_shows_a_message_to_learners(
    enrolled, lesson, rf, needy_type
):
    with_plugin, name = needy_type
    block = Block.objects.create(lesson=lesson, block_type=name, position=9)
    rendered = with_plugin(lambda: _render(lesson, enrolled, rf))()
    shown = next(b for b in rendered.blocks if b.block.pk == block.pk)
    assert shown.available is False
    assert "TELEPORTED" not in shown.html
    assert name in shown.html and "teleporter" in shown.html
    assert all(b.available for b in rendered.blocks if b.block.pk != block.pk)


def test_a_block_needing_a_missing_service_shows_a_message_in_the_author_view(
    trainer, lesson, needy_type
):
    with_plugin, name = needy_type
    block = Block.objects.create(lesson=lesson, block_type=name, position=9)

    def scenario():
        runtime = BlockRuntime(user=trainer, can_edit_content=True)
        with pytest.raises(BlockServicesMissing) as raised:
            runtime.get_block(str(block.pk))
        assert raised.value.missing_services == ("teleporter",)
        return runtime.render_usage(block.pk, "studio_view")

    fragment, available = with_plugin(scenario)()
    assert available is False
    html = fragment.body_html()
    assert "EDIT TELEPORTER" not in html
    assert f"“{name}”" in html and "(teleporter)" in html
    assert 'data-view="studio_view"' in html


def test_a_handler_call_to_such_a_block_is_404_not_a_server_error(
    csrf_client, enrolled, lesson, needy_type
):
    with_plugin, name = needy_type
    block = Block.objects.create(lesson=lesson, block_type=name, position=9)
    response = with_plugin(lambda: _call(csrf_client(enrolled), block, "go", {}))()
    assert response.status_code == 404
    assert name in response.json()["error"]


# --- asides ---------------------------------------------------------------------------


def test_installed_asides_wrap_neither_third_party_blocks_nor_their_handlers(
    csrf_client, enrolled, lesson, dnd, rf
):
    calls = []

    class NoisyAside(XBlockAside):
        @XBlockAside.aside_for("student_view")
        def student_view_aside(self, block, context=None):
            calls.append(block)
            return Fragment("<p>ASIDE</p>")

    @XBlockAside.register_temp_plugin(
        NoisyAside, "noisy_aside", group="xblock_asides.v1"
    )
    def scenario():
        rendered = _render(lesson, enrolled, rf)
        answered = _call(csrf_client(enrolled), dnd, "do_attempt", {})
        return rendered, answered

    rendered, answered = scenario()
    assert "ASIDE" not in "".join(str(b.html) for b in rendered.blocks)
    assert answered.status_code == 200
    assert calls == []


def test_a_json_body_that_is_not_an_object_takes_the_id_from_the_header(
    csrf_client, enrolled, dnd
):
    client = csrf_client(enrolled)
    response = client.post(
        f"/blocks/{dnd.pk}/handler/expand_static_url/",
        json.dumps("/static/vuon.png"),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.csrf,
        HTTP_X_SUBMISSION_ID=str(uuid.uuid4()),
    )
    assert response.status_code == 200
    assert response.json() == {"url": "/static/vuon.png"}
