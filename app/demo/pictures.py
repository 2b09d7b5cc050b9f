"""The demo town's photos and logos, drawn at seed time (no image file is kept in the
repository): a coloured tile per product with its initials, a round badge per shop."""
import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

# One hue per shop (bread, cheese, meat, greengrocer, wine).
PALETTE = {"boulangerie-martin": (196, 140, 72), "fromagerie-du-plot": (222, 190, 90),
           "boucherie-vidal": (160, 52, 52), "primeur-des-halles": (86, 150, 70),
           "cave-saint-michel": (110, 40, 80)}


def _initials(name: str) -> str:
    words = [w for w in name.replace("(", " ").replace("'", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _shade(colour: tuple[int, int, int], seed: str) -> tuple[int, int, int]:
    shift = hashlib.sha256(seed.encode()).digest()[0] % 60 - 30
    return tuple(max(0, min(255, c + shift)) for c in colour)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def product_picture(shop_slug: str, name: str, size: int = 640) -> bytes:
    base = _shade(PALETTE.get(shop_slug, (90, 110, 140)), name)
    image = Image.new("RGB", (size, size), base)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in base)
    margin = size // 8
    draw.ellipse((margin, margin, size - margin, size - margin), fill=light)
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), _initials(name), fill=base, font=font, anchor="mm")
    return _png(image)


def shop_logo(shop_slug: str, name: str, size: int = 320) -> bytes:
    colour = PALETTE.get(shop_slug, (90, 110, 140))
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colour)
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), _initials(name), fill=(255, 255, 255), font=font,
              anchor="mm")
    return _png(image)
