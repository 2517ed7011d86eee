"""Certificate PDFs carry every special letter, in Noto/Charis/Andika, never DejaVu."""

from __future__ import annotations

import ctypes
import unicodedata
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import segno
from PIL import Image

from certificates.pdf import FONT_STACK_SANS, FONT_STACK_SERIF, render_pdf, render_pdfs

ROOT = Path(__file__).resolve().parents[2]
BREVE = "\u0306"
# Ethnic-language letters, the four that need a combining breve over a
# circumflex or horn, and Vietnamese letters with two marks.
LETTERS = ["ƀ", "č", "ĕ", "ĭ", "ŏ", "ŭ", "ñ"]
LETTERS += [base + BREVE for base in ("ê", "ô", "ơ", "ư")]
LETTERS += ["ắ", "ệ", "ữ"]
ALLOWED_FONTS = ("NotoSans", "NotoSerif", "CharisSIL", "Andika")


def certificate_html(name: str) -> str:
    qr = segno.make("http://127.0.0.1:8000/certificates/verify/ABC/").svg_inline(
        scale=3
    )
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<style>
@page {{ size: A4 landscape; margin: 15mm; }}
body {{ font-family: {FONT_STACK_SANS}; }}
h1, .name {{ font-family: {FONT_STACK_SERIF}; }}
.name {{ font-size: 40pt; }}
.ethnic {{ font-family: "Charis SIL"; font-size: 28pt; }}
.serial {{ font-family: "Andika"; }}
</style></head><body>
<h1>Giấy chứng nhận · Certificate</h1>
<p class="name">{name}</p>
<p class="ethnic">{" ".join(LETTERS)}</p>
<p>Trồng cà phê bền vững · Sustainable coffee growing — 16 giờ · hours</p>
<p class="serial">DL-2026-000123</p>{qr}
</body></html>"""


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def page_texts(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def embedded_fonts(data: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every text object of every page."""
    document = pypdfium2.PdfDocument(data)
    fonts = set()
    buffer = ctypes.create_string_buffer(256)
    try:
        for page in document:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
                font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
                name = buffer.raw[: max(size - 1, 0)].decode()
                fonts.add((name, bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
            page.close()
    finally:
        document.close()
    return fonts


def assert_letters_and_fonts(data: bytes, name: str) -> None:
    assert data.startswith(b"%PDF-")
    (text,) = page_texts(data)
    text = squeeze(text)
    for letter in [*LETTERS, squeeze(name)]:
        assert unicodedata.normalize("NFC", letter) in text, letter
    fonts = embedded_fonts(data)
    assert fonts
    for font_name, embedded in fonts:
        assert embedded, font_name
        # A subset's name is "ABCDEF+Family-Name-Style".
        family = font_name.split("+", 1)[-1].replace("-", "")
        assert family.startswith(ALLOWED_FONTS), font_name
        assert "dejavu" not in font_name.lower()
    families = {name.split("+", 1)[-1].replace("-", "") for name, _ in fonts}
    assert {"NotoSans", "NotoSerif", "CharisSIL", "Andika"} <= families


NAME = f"Ksor Ê{BREVE} Bơ{BREVE}ng Hữu Ắnh"


def test_render_pdf_has_every_letter_in_noto_charis_andika():
    data = render_pdf(html=certificate_html(NAME))
    assert_letters_and_fonts(data, NAME)

    # A picture of the page, for a person to look at the breves.
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    target = ROOT / "var" / "certificate-letters.png"
    target.parent.mkdir(exist_ok=True)
    image.save(target)
    assert image.size == (pytest.approx(1684, abs=2), pytest.approx(1191, abs=2))


def test_render_pdfs_gives_one_standalone_single_page_pdf_each():
    names = [f"{NAME} {i}" for i in range(5)] + [
        f"Y Ŭk Ñu Čư Ô{BREVE} {i}" for i in range(3)
    ]
    pdfs = render_pdfs(htmls=[certificate_html(name) for name in names])
    assert len(pdfs) == len(names)
    for name, data in zip(names, pdfs, strict=True):
        assert_letters_and_fonts(data, name)
        others = [n for n in names if n != name]
        text = squeeze(page_texts(data)[0])
        assert not any(squeeze(other) in text for other in others)
        # Fonts are subsetted: far below a full Noto Sans (~500 KB).
        assert len(data) < 200_000


def test_render_pdfs_keeps_multi_page_documents_together():
    long_html = certificate_html(NAME).replace(
        "</body>", '<p style="break-before: page">Mặt sau · Back</p></body>'
    )
    pdfs = render_pdfs(
        htmls=[certificate_html("Một"), long_html, certificate_html("Ba")]
    )
    assert [len(page_texts(data)) for data in pdfs] == [1, 2, 1]
    assert "Mặtsau" in squeeze(page_texts(pdfs[1])[1])


def test_render_pdfs_of_nothing_is_nothing():
    assert render_pdfs(htmls=[]) == []


def test_templates_use_media_images_but_not_other_files_or_the_network(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    signature = settings.MEDIA_ROOT / "signatures" / "director.png"
    signature.parent.mkdir(parents=True)
    Image.new("RGB", (40, 20), (20, 40, 110)).save(signature)
    private = settings.MEDIA_ROOT / "private.txt"
    private.write_text("private coursework")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for certificates")
    html = certificate_html("Một").replace(
        "</body>",
        f'<img src="file://{signature}" style="width: 40mm">'
        f'<a rel="attachment" href="file://{secret}">x</a>'
        f'<a rel="attachment" href="file://{private}">y</a>'
        '<img src="http://127.0.0.1:9/x.png"></body>',
    )
    for data in (render_pdf(html=html), render_pdfs(htmls=[html])[0]):
        assert b"not for certificates" not in data
        assert b"private coursework" not in data
        document = pypdfium2.PdfDocument(data)
        try:
            assert document.count_attachments() == 0
            images = list(document[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            assert len(images) == 1  # the signature
        finally:
            document.close()


def test_render_pdfs_files_keep_the_title_in_a_valid_cross_reference():
    html = certificate_html(NAME).replace(
        "<head>", "<head><title>DL-2026-000123 · Ksor Ê̆</title>"
    )
    (data,) = render_pdfs(htmls=[html])
    document = pypdfium2.PdfDocument(data)
    try:
        assert document.get_metadata_value("Title") == "DL-2026-000123 · Ksor Ê̆"
    finally:
        document.close()
    # The appended update points at its own object and cross-reference table.
    xref_at = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[xref_at:].startswith(b"xref")
    section, entry = data[xref_at:].split(b"\n")[1:3]
    info_number = int(section.split()[0])
    assert data[int(entry.split()[0]) :].startswith(b"%d 0 obj" % info_number)
