"""Pictures made on the spot for the tests (nothing binary is committed)."""
import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=200, height=100, *, orientation: int | None = None, gps: bool = False,
         halves=("red", "blue")) -> bytes:
    """Left half one colour, right half the other; EXIF orientation and a GPS position
    (Le Puy-en-Velay) if asked."""
    image = Image.new("RGB", (width, height), halves[1])
    image.paste(Image.new("RGB", (width // 2, height), halves[0]), (0, 0))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[0x010F] = "Apple"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (45.0, 2.0, 36.0), 3: "E", 4: (3.0, 53.0, 6.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png(width=800, height=600, colour="green", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG")
    return out.getvalue()


def heic(width=640, height=480, colour="orange") -> bytes:
    import pillow_heif
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="HEIF")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is width × height: a few dozen bytes that would unpack into
    gigabytes (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
