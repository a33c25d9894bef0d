"""The images a question may show: which files are accepted, checked on their bytes, never on their name.

Pure code (Pillow, no Django): import checks a bank's images with it before anything is created, and the loader
takes each file's extension from it, so a file is always served as the kind of image it really is.
"""

import base64
import binascii
import io
import warnings

from PIL import Image, UnidentifiedImageError

# Pillow's format name -> the extension the file is stored under. No SVG: it is XML and can carry script.
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_BYTES = 5 * 1024 * 1024
# A small file can still decode to a huge bitmap (a "decompression bomb"); no teaching image needs more than this.
MAX_PIXELS = 40_000_000


def decoded(data: str, name: str) -> bytes:
    """The bytes of a file embedded as base64 (as Moodle XML and our JSON carry it), or ValueError saying so."""
    try:
        return base64.b64decode("".join(str(data).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"image {name!r} is not valid base64.") from None


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def extension_of(data: bytes, name: str) -> str:
    """The extension of an acceptable image (png, jpg, gif, webp), or ValueError in one line naming the file."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"image {name!r} is {len(data) / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 2**20} MB.")
    if name.lower().endswith((".svg", ".svgz")) or data.lstrip()[:1] == b"<":
        raise ValueError(f"image {name!r} is SVG, which is not accepted (it can carry script); use PNG or JPEG.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, pixels = image.format, image.width * image.height
                image.verify()
            if kind in FORMATS and pixels <= MAX_PIXELS:
                with Image.open(io.BytesIO(data)) as image:
                    image.load()  # verify() misses a truncated JPEG; decoding it does not
    except UnidentifiedImageError:
        raise ValueError(f"image {name!r} is not a PNG, JPEG, GIF or WebP image, or it is damaged.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"image {name!r} is too large (more than {MAX_PIXELS:,} pixels).") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValueError(f"image {name!r} is damaged: it cannot be read as an image.") from None
    if kind not in FORMATS:
        raise ValueError(f"image {name!r} is {kind}, not a PNG, JPEG, GIF or WebP image.")
    if pixels > MAX_PIXELS:
        raise ValueError(f"image {name!r} is too large (more than {MAX_PIXELS:,} pixels).")
    return FORMATS[kind]
