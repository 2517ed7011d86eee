"""Pictograms for the demo dictionary's picture-and-word matching.

The project has no licensed photographs of these things, so it draws its own:
every picture here is this project's own drawing, made with Pillow from plain
shapes when the demo loads (no image file is copied from anywhere). They are
small WebP files (a few KB) so a lesson stays light on a phone.

Keys are ABVD concept numbers (see rade_words.json); each drawing shows the
thing only, never a word, so it does not give the answer away.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = 240  # pixels, square
_SCALE = 2  # drawn at twice the size, then reduced: smooth edges
_C = SIZE * _SCALE
MAX_BYTES = 20 * 1024

PAPER = "#f4f1ea"
INK = "#2b2118"
SKY = "#bfe0f2"
NIGHT = "#1f2f4f"

Draw = ImageDraw.ImageDraw


def _p(*xy: float) -> list[float]:
    """Coordinates given on a 0..100 grid, scaled to the canvas."""
    return [v * _C / 100 for v in xy]


def _house(d: Draw) -> Image.Image | None:
    # A long house on stilts, as in an Ê Đê village, with its ladder.
    d.rectangle(_p(0, 80, 100, 100), fill="#c9b48a")
    for x in (16, 34, 52, 70, 84):
        d.rectangle(_p(x, 55, x + 3, 84), fill="#6b4a2b")
    d.rectangle(_p(10, 40, 90, 58), fill="#a0703f", outline=INK, width=4)
    d.polygon(_p(4, 42, 22, 18, 78, 18, 96, 42), fill="#d9b25e", outline=INK, width=4)
    d.rectangle(_p(44, 43, 54, 58), fill="#5a3a1e")
    for n, y in enumerate(range(60, 84, 6)):
        d.line(_p(40 - n * 2, y, 50 - n * 2, y), fill="#6b4a2b", width=5)
    d.line(_p(40, 58, 32, 86), fill="#6b4a2b", width=5)
    d.line(_p(50, 58, 42, 86), fill="#6b4a2b", width=5)
    return None


def _waves(d: Draw, top: float, colour: str) -> None:
    for row in range(3):
        y0 = top + row * 16
        points = []
        for step in range(41):
            x = 8 + step * 2.1
            points += _p(x, y0 + 5 * math.sin(step / 40 * 4 * math.pi))
        d.line(points, fill=colour, width=14, joint="curve")


def _water(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill="#e3f1f8")
    _waves(d, 30, "#2a7ab0")
    return None


def _cloud_shape(d: Draw, fill: str, dy: float = 0) -> None:
    for x, y, r in ((32, 42, 16), (50, 34, 20), (68, 42, 16), (50, 48, 14)):
        d.ellipse(_p(x - r, y - r + dy, x + r, y + r + dy), fill=fill)
    d.rounded_rectangle(_p(16, 40 + dy, 84, 60 + dy), radius=10 * _C / 100, fill=fill)


def _rain(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill="#dfe6ea")
    _cloud_shape(d, "#8a97a0", dy=-6)
    for x, y in ((26, 66), (42, 72), (58, 64), (74, 72), (34, 86), (66, 88)):
        d.line(_p(x, y, x - 4, y + 10), fill="#2a7ab0", width=12)
    return None


def _cloud(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill=SKY)
    _cloud_shape(d, "#ffffff", dy=8)
    return None


def _fire(d: Draw) -> Image.Image | None:
    d.line(_p(22, 86, 78, 72), fill="#6b4a2b", width=22)
    d.line(_p(22, 72, 78, 86), fill="#7f5933", width=22)
    d.polygon(
        _p(30, 74, 26, 52, 38, 34, 44, 44, 50, 14, 62, 38, 66, 30, 74, 52, 70, 74),
        fill="#e8541e",
    )
    d.polygon(
        _p(40, 74, 38, 58, 46, 48, 52, 36, 58, 54, 62, 60, 60, 74), fill="#f6b73c"
    )
    return None


def _moon(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill=NIGHT)
    d.ellipse(_p(22, 18, 78, 74), fill="#f6e39a")
    d.ellipse(_p(36, 10, 92, 66), fill=NIGHT)
    return None


def _star_points(cx: float, cy: float, outer: float, inner: float) -> list[float]:
    points: list[float] = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = -math.pi / 2 + k * math.pi / 5
        points += _p(cx + r * math.cos(a), cy + r * math.sin(a))
    return points


def _star(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill=NIGHT)
    d.polygon(_star_points(50, 52, 36, 15), fill="#f6d44a")
    return None


def _fish(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill="#e3f1f8")
    d.polygon(_p(70, 50, 94, 30, 94, 70), fill="#d9822b")
    d.ellipse(_p(10, 30, 78, 70), fill="#ef9b3c")
    d.ellipse(_p(22, 42, 30, 50), fill="#ffffff")
    d.ellipse(_p(24, 44, 28, 48), fill=INK)
    d.arc(_p(34, 36, 54, 64), start=300, end=60, fill="#b8641c", width=5)
    return None


def _bird(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 100), fill=SKY)
    d.line(_p(44, 72, 40, 88), fill="#b8641c", width=5)
    d.line(_p(56, 72, 58, 88), fill="#b8641c", width=5)
    d.line(_p(10, 90, 90, 90), fill="#6b4a2b", width=10)
    d.polygon(_p(20, 50, 4, 36, 6, 56), fill="#2f6d4a")
    d.ellipse(_p(16, 38, 70, 76), fill="#3e8e5e")
    d.ellipse(_p(52, 24, 80, 52), fill="#3e8e5e")
    d.polygon(_p(78, 36, 94, 40, 78, 44), fill="#f2b233")
    d.ellipse(_p(66, 32, 72, 38), fill=INK)
    d.chord(_p(24, 46, 58, 70), start=0, end=180, fill="#2f6d4a")
    return None


def _leaf_shape(d: Draw, box: tuple[float, float, float, float], fill: str) -> None:
    x0, y0, x1, y1 = box
    mid = (y0 + y1) / 2
    points = []
    for step in range(21):
        t = step / 20
        x = x0 + (x1 - x0) * t
        w = (y1 - y0) / 2 * math.sin(math.pi * t)
        points.append((x, mid - w))
    for step in range(20, -1, -1):
        t = step / 20
        x = x0 + (x1 - x0) * t
        w = (y1 - y0) / 2 * math.sin(math.pi * t)
        points.append((x, mid + w))
    d.polygon([v for x, y in points for v in _p(x, y)], fill=fill)


def _leaf(d: Draw) -> Image.Image | None:
    image = Image.new("RGB", (_C, _C), PAPER)
    leaf = ImageDraw.Draw(image)
    _leaf_shape(leaf, (12, 28, 92, 72), "#4f9a3a")
    leaf.line(_p(6, 50, 90, 50), fill="#2e6b22", width=6)
    for x in (30, 46, 62, 76):
        leaf.line(_p(x, 50, x + 10, 38), fill="#2e6b22", width=4)
        leaf.line(_p(x, 50, x + 10, 62), fill="#2e6b22", width=4)
    return image.rotate(30, fillcolor=PAPER, resample=Image.Resampling.BICUBIC)


def _flower(d: Draw) -> Image.Image | None:
    d.line(_p(50, 50, 50, 96), fill="#3e7d2c", width=10)
    _leaf_shape(d, (50, 66, 80, 80), "#4f9a3a")
    for k in range(6):
        a = k * math.pi / 3
        x, y = 50 + 18 * math.cos(a), 38 + 18 * math.sin(a)
        d.ellipse(_p(x - 13, y - 13, x + 13, y + 13), fill="#e0557a")
    d.ellipse(_p(40, 28, 60, 48), fill="#f6c945")
    return None


def _fruit(d: Draw) -> Image.Image | None:
    d.ellipse(_p(18, 26, 82, 90), fill="#e2762b")
    d.ellipse(_p(30, 38, 42, 50), fill="#f3a866")
    d.line(_p(50, 30, 54, 12), fill="#6b4a2b", width=7)
    _leaf_shape(d, (54, 10, 82, 24), "#4f9a3a")
    return None


def _stone(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 80, 100, 100), fill="#c9b48a")
    d.polygon(_p(12, 84, 18, 52, 38, 32, 66, 30, 86, 50, 90, 84), fill="#8d8f93")
    d.polygon(_p(38, 32, 66, 30, 74, 44, 46, 48), fill="#b2b4b8")
    d.line(_p(46, 48, 40, 84), fill="#6c6e72", width=4)
    return None


def _road(d: Draw) -> Image.Image | None:
    d.rectangle(_p(0, 0, 100, 40), fill=SKY)
    d.rectangle(_p(0, 40, 100, 100), fill="#7fb35a")
    d.polygon(_p(44, 40, 56, 40, 96, 100, 4, 100), fill="#b48a5a")
    for y0, y1 in ((46, 52), (58, 68), (76, 92)):
        d.line(_p(50, y0, 50, y1), fill="#f4e6c4", width=int(2 + y0 / 12))
    return None


# ABVD concept number -> drawing. A drawing paints on the canvas it is given,
# or returns its own image (for a rotated shape).
DRAWINGS: dict[int, Callable[[Draw], Image.Image | None]] = {
    6: _road,
    61: _house,
    97: _bird,
    111: _fish,
    114: _leaf,
    116: _flower,
    117: _fruit,
    120: _stone,
    122: _water,
    129: _moon,
    130: _star,
    131: _cloud,
    133: _rain,
    143: _fire,
}


def picture_webp(concept_id: int) -> bytes:
    """The concept's pictogram as WebP bytes (at most ``MAX_BYTES``)."""
    image = Image.new("RGB", (_C, _C), PAPER)
    drawn = DRAWINGS[concept_id](ImageDraw.Draw(image))
    if drawn is not None:
        image = drawn
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    for quality in (80, 60, 40):
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=quality, method=6)
        if buffer.tell() <= MAX_BYTES:
            return buffer.getvalue()
    raise ValueError(f"picture {concept_id} is larger than {MAX_BYTES} bytes")
