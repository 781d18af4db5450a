"""Files a tenant may post to a portal form, good and hostile, built in
memory (no sample file to keep in sync)."""

import io
import struct
import zipfile
import zlib

from PIL import Image, features

try:
    import pillow_heif
except ImportError:  # the gate refuses HEIC then; test_upload says so
    pillow_heif = None

# Pillow reads WebP only when built with libwebp
WEBP_READABLE = features.check("webp")
# the head of a WebP file (RIFF container, lossy VP8 chunk) and a cut frame
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24


def image(fmt="PNG", size=(4, 3)):
    """A real image of ``fmt`` (JPEG, PNG, GIF, WEBP; a WebP head only when
    this Pillow cannot write WebP)."""
    if fmt == "WEBP" and not WEBP_READABLE:
        return WEBP_HEAD
    output = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(output, fmt)
    return output.getvalue()


def heic(size=(40, 30), color=(200, 40, 40), **params):
    """A real HEIC photo (HEVC in a HEIF file, as an iPhone takes it);
    ``params`` go to the encoder (``exif``, ``icc_profile``...)."""
    output = io.BytesIO()
    photo = pillow_heif.from_pillow(Image.new("RGB", size, color))
    photo.save(output, format="HEIF", **params)
    return output.getvalue()


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width, height):
    """A PNG of a few dozen bytes that says it is ``width`` x ``height``
    pixels: what a decompression bomb looks like to a reader of headers."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)
# the head of an AutoCAD 2018 drawing (format version, then its header)
DWG = b"AC1032\x00\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 40
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
# a PNG cut after its header: not an image any reader can show
TRUNCATED_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00"


def ooxml(folder="word/", macros=False):
    """A minimal Office Open XML package (docx with "word/", xlsx with "xl/")."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<document/>")
        if macros:
            package.writestr(f"{folder}vbaProject.bin", b"\x00")
    return output.getvalue()
