"""Draws the sample photo shipped with the Anhui brief (briefs/photos/pishan.jpg): an illustration,
made with Pillow, of a new town under snow-capped mountains. ``python tests/sample_photo.py`` remakes it."""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

TARGET = Path(__file__).resolve().parents[1] / "briefs" / "photos" / "pishan.jpg"


def draw_sample(width: int = 1600, height: int = 1000, seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # sky: deep blue to haze
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(70 + 140 * t), int(130 + 90 * t), int(200 + 40 * t)))
    ridge = [(0, int(height * 0.52))]
    x = 0
    while x < width:
        x += rng.randint(60, 140)
        ridge.append((x, int(height * rng.uniform(0.22, 0.45))))
    ridge += [(width, int(height * 0.5)), (width, height), (0, height)]
    draw.polygon(ridge, fill=(118, 112, 128))
    for (x0, y0), (x1, y1) in zip(ridge, ridge[1:-3]):  # snow caps
        if y1 < height * 0.35:
            draw.polygon([(x1 - 40, y1 + 45), (x1, y1), (x1 + 40, y1 + 45)], fill=(240, 242, 248))
    draw.rectangle([0, int(height * 0.62), width, height], fill=(196, 178, 140))  # desert plain
    for row, base in enumerate((0.70, 0.78)):  # blocks of flats
        for i in range(14):
            left = i * width / 14 + rng.randint(-8, 8) + row * 30
            w, h = rng.randint(70, 100), rng.randint(90, 200)
            top = int(height * base) - h
            shade = rng.choice([(232, 224, 210), (214, 200, 186), (204, 90, 70), (236, 236, 230)])
            draw.rectangle([left, top, left + w, int(height * base)], fill=shade, outline=(90, 80, 70))
            for wy in range(top + 12, int(height * base) - 12, 22):
                for wx in range(int(left) + 10, int(left + w) - 10, 18):
                    draw.rectangle([wx, wy, wx + 8, wy + 11], fill=(110, 140, 170))
    for i in range(40):  # poplars along the road
        x = i * width / 40 + rng.randint(-5, 5)
        draw.ellipse([x - 14, height * 0.80 - 70, x + 14, height * 0.80], fill=(70, 120, 60))
        draw.rectangle([x - 2, height * 0.80, x + 2, height * 0.83], fill=(90, 70, 50))
    draw.rectangle([0, int(height * 0.86), width, int(height * 0.93)], fill=(80, 80, 84))  # road
    for x in range(0, width, 80):
        draw.rectangle([x, int(height * 0.895), x + 40, int(height * 0.9)], fill=(240, 240, 240))
    return image.filter(ImageFilter.SMOOTH)


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    draw_sample().save(TARGET, "JPEG", quality=88, optimize=True)
    print(f"wrote {TARGET}")
