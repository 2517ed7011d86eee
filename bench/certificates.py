"""Issuing certificates as separate PDF files against the one-document floor.

Builds ``--count`` certificates in memory (unsaved ``Certificate`` rows with
Vietnamese and ethnic-language names, a QR code and a signature image, through
``certificates.services.certificate_html`` and the default template), then, in
the same process, one after the other:

- naive: ``weasyprint.HTML(string=...).write_pdf()`` for each certificate;
- one at a time: ``certificates.pdf.render_pdf`` for each certificate;
- batch: ``certificates.pdf.render_pdfs`` for all, each written to its own file;
- floor: WeasyPrint laying out the same pages as one document and writing it.

    .venv/bin/python bench/certificates.py [--count 500]

Prints a table and one ``RESULT`` line. Figures, not assertions. Nothing under
the checkout changes (the files go to a temporary folder).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BREVE = "\u0306"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Y", "H'", "Ksor", "Rơ Châm"]
FAMILY += ["Siu", "Đinh", "Bùi", "Niê", "Kpă", "Êban"]
GIVEN = ["Thị Hương", "Văn Dũng", "Hữu Nghĩa", "Thị Ắnh", "Bích Ngọc", "ƀlơng"]
GIVEN += ["Čư", "Ĕa", "Ĭk", "Ŏn", "Ŭk", "Ñu", "Yă Ŭt", "Mlô"]
GIVEN += [f"Ê{BREVE}ban", f"Ô{BREVE}ng", f"Ơ{BREVE}n", f"Ư{BREVE}t", f"Bơ{BREVE}ng"]
GIVEN += [f"Hê{BREVE}", f"Rô{BREVE}", f"Sư{BREVE}"]
COURSES = [
    "Trồng cà phê bền vững · Sustainable coffee growing",
    "Chăn nuôi bò sinh sản · Breeding cattle",
    "Kỹ năng số cơ bản · Basic digital skills",
    "Sơ cứu ban đầu · First aid",
    "Dệt thổ cẩm Êđê · Ede brocade weaving",
]


def _signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(10 + i * 11, 40 + (-1) ** i * 11 * (i % 3)) for i in range(21)]
    draw.line(points, fill=(20, 40, 110, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def certificate_pages(count: int, media: Path) -> list[str]:
    """``count`` certificate HTML pages from the project's own template code."""
    from certificates.models import Certificate, CertificateTemplate
    from certificates.services import certificate_html

    (media / "signatures").mkdir(parents=True)
    (media / "signatures" / "director.png").write_bytes(_signature_png())
    template = CertificateTemplate(
        name="Mặc định",
        html="",
        issuer_name="Ban Dân tộc tỉnh Đắk Lắk",
        signer_name="Y Ŭk Niê",
        signer_title="Giám đốc · Director",
        signature_image="signatures/director.png",
    )
    rng = random.Random(5)
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    pages = []
    for i in range(count):
        name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
        certificate = Certificate(
            serial=f"DL-2026-{i + 1:06d}",
            code="".join(rng.choice(alphabet) for _ in range(16)),
            achievement="course:1",
            holder_name=name,
            title=rng.choice(COURSES),
            hours=rng.choice([8, 12, 16, 24, 40]),
            grade=rng.randint(60, 100) / 100,
            issued_at=datetime(
                2026, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC
            ),
            template=template,
        )
        pages.append(certificate_html(certificate))
    return pages


def one_document(pages: list[str]) -> str:
    """The same pages as one HTML document: the first head, every body, a page
    break before each."""
    head = pages[0][: pages[0].index("<body")]
    bodies = [
        re.search(r"<body[^>]*>(.*)</body>", page, re.S).group(1) for page in pages
    ]
    return (
        head
        + "<body>"
        + "".join(f'<div style="break-before: page">{b}</div>' for b in bodies)
        + "</body></html>"
    )


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    count = args.count

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["SQLITE_PATH"] = str(workdir / "db.sqlite3")  # never opened
    try:
        import django

        django.setup()
        import pypdfium2
        import weasyprint

        from certificates.pdf import render_pdf, render_pdfs

        pages, build_s = _timed(lambda: certificate_pages(count, workdir / "media"))
        combined = one_document(pages)
        render_pdf(html=pages[0])  # warm up imports, fontconfig, caches

        naive, naive_s = _timed(
            lambda: [weasyprint.HTML(string=page).write_pdf() for page in pages]
        )
        one_by_one, one_s = _timed(lambda: [render_pdf(html=page) for page in pages])

        out = workdir / "pdf"
        out.mkdir()

        def batch() -> list[bytes]:
            pdfs = render_pdfs(htmls=pages)
            for i, data in enumerate(pdfs):
                (out / f"DL-2026-{i + 1:06d}.pdf").write_bytes(data)
            return pdfs

        pdfs, batch_s = _timed(batch)

        def floor() -> tuple[int, bytes]:
            document = weasyprint.HTML(string=combined).render()
            return len(document.pages), document.write_pdf()

        (floor_pages, floor_pdf), floor_s = _timed(floor)

        page_counts = [len(pypdfium2.PdfDocument(data)) for data in pdfs]
        files = len(list(out.glob("*.pdf")))
        # PDFium writes font dictionaries uncompressed: /BaseFont /ABCDEF+Noto-Sans
        dejavu = sum(b"DejaVu" in data for data in pdfs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def ms(seconds: float, n: int = count) -> float:
        return seconds * 1000 / n

    print(
        f"\n{count} certificates (A4 landscape, default template, QR, signature); "
        f"WeasyPrint {weasyprint.__version__}, 1 process, {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; HTML built in {ms(build_s):.1f} ms/cert"
    )
    header = f"{'way':<44} {'ms/cert':>8} {'total s':>8} {'bytes/file':>10}"
    print(header)
    print("-" * len(header))
    rows = [
        ("naive: HTML().write_pdf() one at a time", naive_s, naive),
        ("render_pdf one at a time", one_s, one_by_one),
        ("render_pdfs, separate files", batch_s, pdfs),
    ]
    for label, seconds, results in rows:
        size = sum(map(len, results)) // len(results)
        print(f"{label:<44} {ms(seconds):>8.1f} {seconds:>8.2f} {size:>10}")
    print(
        f"{'floor: one document of ' + str(floor_pages) + ' pages':<44} "
        f"{ms(floor_s, floor_pages):>8.1f} {floor_s:>8.2f} {len(floor_pdf):>10}"
    )
    ok = files == count and page_counts == [1] * count and floor_pages == count
    ok = ok and not dejavu
    if not ok:
        print(
            f"error: {files} files, page counts {set(page_counts)}, "
            f"floor {floor_pages} pages, {dejavu} files with DejaVu"
        )
    ratio = ms(batch_s) / ms(floor_s, floor_pages)
    print(
        f"RESULT ms_per_cert={ms(batch_s):.1f} naive_ms_per_cert={ms(naive_s):.1f} "
        f"floor_ms_per_page={ms(floor_s, floor_pages):.1f} ratio={ratio:.2f}"
    )
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
