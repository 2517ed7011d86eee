"""Bytes a learner downloads to open a lesson with an H5P block, first visit.

Runs the demo server (``_server.DemoServer``), uploads an H5P package (by
default H5P.MultiChoice from the shared test fixtures, read in place) to the
coffee course, puts it first in the first lesson, then opens that lesson in
Chromium with an empty cache as the demo learner and adds up what went over
the wire (compressed bodies plus headers), split into the lesson page, the
H5P player (h5p-standalone and our frame scripts) and the package's files.

    .venv/bin/python bench/h5p_size.py [--package PATH]

Prints a table and one ``RESULT`` line. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import COURSE, DEMO_PASSWORD, PYTHON, ROOT, DemoServer  # noqa: E402

FIXTURE = ROOT.parent / "shared" / "fixtures" / "h5p" / "H5P.MultiChoice.h5p"
SETUP = """
from django.core.files import File
from content_authoring.h5p.services import h5p_package_upload
from content_authoring.models import Block
from courses.models import Course, Enrollment
from lms.models import User
course = Course.objects.get(slug={course!r})
admin = User.objects.filter(role="admin").first() or course.trainers.first()
with open({path!r}, "rb") as handle:
    package = h5p_package_upload(
        actor=admin, course=course, upload=File(handle, name="bench.h5p")
    ).package
lesson = course.lessons.order_by("module__position", "position").first()
Block.objects.filter(lesson=lesson).update(position=models_F("position") + 1)
Block.objects.create(lesson=lesson, block_type="h5p", position=0,
                     fields={{"package_id": package.pk}}, graded=package.has_questions)
learner = User.objects.get(username="hocvien")
Enrollment.objects.get_or_create(user=learner, course=course,
                                 defaults={{"status": "active", "source": "staff"}})
print(lesson.pk)
"""


def _setup(server: DemoServer, package: Path) -> int:
    code = "from django.db.models import F as models_F\n" + SETUP.format(
        course=COURSE, path=str(package)
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _kind(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/blocks/h5p/files/"):
        return "package"
    if (
        path.startswith("/blocks/h5p/play/")
        or "/vendor/h5p-standalone/" in path
        or "/content_authoring/h5p-" in path
    ):
        return "player"
    return "lesson"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=FIXTURE)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with DemoServer() as server:
        lesson_id = _setup(server, args.package)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu"],
                headless=True,
            )
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.goto(f"{server.base}/accounts/login/")
            page.fill("#id_username", "hocvien")
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(f"{server.base}/")
            responses: list = []
            page.on("requestfinished", lambda request: responses.append(request))
            page.goto(f"{server.base}/courses/{COURSE}/lessons/{lesson_id}/")
            page.locator("iframe.h5p-frame").scroll_into_view_if_needed()
            frame = page.frame_locator("iframe.h5p-frame")
            frame.locator("body[data-h5p-ready=true]").wait_for(
                state="attached", timeout=30_000
            )
            page.wait_for_load_state("networkidle")
            largest: list[tuple[int, str]] = []
            totals: dict[str, int] = defaultdict(int)
            counts: dict[str, int] = defaultdict(int)
            for request in responses:
                sizes = request.sizes()
                size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                kind = _kind(request.url)
                totals[kind] += size
                counts[kind] += 1
                largest.append((size, urlsplit(request.url).path[-70:]))
            browser.close()
    total = sum(totals.values())
    print(f"package: {args.package.name}")
    for kind in ("lesson", "player", "package"):
        print(f"{kind:>8}: {totals[kind]:>9} bytes in {counts[kind]} requests")
    print(f"{'total':>8}: {total:>9} bytes")
    print("largest:")
    for size, path in sorted(largest, reverse=True)[:8]:
        print(f"  {size:>9}  {path}")
    print(
        f"RESULT package={args.package.name} total_bytes={total}"
        f" lesson_bytes={totals['lesson']} player_bytes={totals['player']}"
        f" package_bytes={totals['package']} requests={sum(counts.values())}"
    )


if __name__ == "__main__":
    main()
