"""Files that tenants upload through the portal: one gate for every form.

Photos of a service request, drawings and documents of a decoration
application, files attached in the portal chatter of the suite's records
(controllers/attachment.py): every portal route that takes files reads them
through :func:`request_uploads` (or :func:`read_uploads` with files at
hand), which refuses, with a message in the visitor's language,

- more files than the limit, or a file larger than the limit (settings:
  ``property_tenant.upload_max_files``, ``property_tenant.upload_max_size_mb``);
- a file whose content is not of the kind the form takes, whatever its name
  says: the type is read from the bytes (an HTML page or an SVG named
  ``photo.jpg`` is not a photo), and a name whose extension says another
  type than the content is refused too;
- an image Pillow cannot read, or one larger in pixels than the limit
  (``property_tenant.upload_max_megapixels``): Pillow's decompression-bomb
  guard is on and its warning is a refusal, not a log line;

converts a HEIC/HEIF photo (what an iPhone takes; Safari sends the file as
it is when the tenant picks it from the library) to JPEG, which every
browser shows: upright, ``<name>.jpg``, its colour profile kept, its other
metadata (camera, place) not.  The reader is the ``pillow-heif`` package;
without it a HEIC photo is refused with a message saying so;

and cleans the file name (:func:`sanitize_filename`): no folders, no
control or bidirectional characters (a right-to-left override makes
``photo\u202egpj.exe`` read as ``photoexe.jpg``), no leading dots, no
characters Windows cannot store, a bounded length.

The route validates everything before it creates anything, so that a
refused file leaves no half-created record behind.
"""

import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections import namedtuple

from PIL import (
    Image,
    ImageOps,
    WebPImagePlugin,  # noqa: F401  (see below)
)

from odoo.http import request

try:
    import pillow_heif
except ImportError:  # HEIC photos are refused, saying so (see _check_image)
    pillow_heif = None

# the defaults of the settings
DEFAULT_MAX_FILES = 10
DEFAULT_MAX_SIZE_MB = 10
# Odoo's own limit for the images it processes (odoo.tools.image)
DEFAULT_MAX_MEGAPIXELS = 50
FILENAME_MAX_LENGTH = 120

# Pillow's guard against decompression bombs must stay on: an image above
# MAX_IMAGE_PIXELS warns, above twice that it raises.  Someone switching it
# off (None) for a batch job would switch it off for the portal too.
if Image.MAX_IMAGE_PIXELS is None:
    Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_MEGAPIXELS * 1_000_000

# Odoo loads only Pillow's basic plugins (odoo.tools.image); the portal
# takes WebP photos, so their reader is registered by the import above, and
# HEIC photos, read by pillow-heif's plugin once registered here.
if pillow_heif is not None:
    pillow_heif.register_heif_opener()

HEIC = "image/heic"
# what a HEIC photo becomes: a JPEG of this quality
HEIC_JPEG_QUALITY = 85

# mimetype -> the extensions a file of that type may have (the first one is
# given to a file without extension)
EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg", ".jfif", ".jpe"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    # HEIC and HEIF photos, converted to JPEG (see check_upload)
    HEIC: (".heic", ".heif"),
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    # AutoCAD drawings: decoration plans as designers send them
    "image/vnd.dwg": (".dwg",),
}
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", HEIC)
# kind of upload -> the types it takes
KINDS = {
    "photo": PHOTO_TYPES,
    "document": PHOTO_TYPES + tuple(EXTENSIONS)[len(PHOTO_TYPES) :],
}
# Pillow format -> mimetype of the images taken
_IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
if pillow_heif is not None:
    _IMAGE_FORMATS["HEIF"] = HEIC
# the brands of a HEIF file's ftyp box (at offset 4) that mean a HEVC
# photo or sequence, or a HEIF image of any codec (mif1, msf1)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
# the EXIF tag of the orientation
_ORIENTATION = 0x0112
# the first folder of an Office Open XML package -> its type
_OOXML_FOLDERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# a DWG file begins with its format's version: AC1012 (R13) to AC1032 (2018+)
_DWG_SIGNATURE = re.compile(rb"AC10[0-9]{2}")
# what Windows cannot store in a name (and a shell reads as a command)
_RESERVED_CHARACTERS = re.compile(r'[<>:"|?*]')

Limits = namedtuple("Limits", "max_files max_size max_pixels")
# a file that passed: its clean name, its bytes, its type
Upload = namedtuple("Upload", "name data mimetype")


class UploadRefused(Exception):
    """A file the form does not take; its message says why, to the visitor."""


def upload_limits(env):
    """The limits of the settings (sane defaults when a value is not a
    positive number)."""
    params = env["ir.config_parameter"].sudo()

    def positive(key, default):
        try:
            value = int(params.get_param(key, default))
        except (TypeError, ValueError):
            return default
        return value if value > 0 else default

    return Limits(
        max_files=positive("property_tenant.upload_max_files", DEFAULT_MAX_FILES),
        max_size=positive("property_tenant.upload_max_size_mb", DEFAULT_MAX_SIZE_MB)
        * 1024
        * 1024,
        max_pixels=positive(
            "property_tenant.upload_max_megapixels", DEFAULT_MAX_MEGAPIXELS
        )
        * 1_000_000,
    )


def sanitize_filename(name, max_length=FILENAME_MAX_LENGTH):
    """``name`` as a plain file name: the last part of a path, without
    control, format (bidirectional overrides, zero-width) or reserved
    characters, without leading dots or spaces, at most ``max_length``
    characters (the extension kept); "file" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        char for char in name if not unicodedata.category(char).startswith("C")
    )
    name = _RESERVED_CHARACTERS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > max_length:
        stem, extension = os.path.splitext(name)
        if len(extension) > 10:
            stem, extension = name, ""
        name = stem[: max_length - len(extension)].rstrip(" .") + extension
    return name or "file"


def sniff_mimetype(data):
    """The type of ``data`` read from its bytes, among the types the portal
    takes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return None  # a document with macros
        for folder, mimetype in _OOXML_FOLDERS.items():
            if any(name.startswith(folder) for name in names):
                return mimetype
        return None
    if _DWG_SIGNATURE.fullmatch(data[:6]):
        return "image/vnd.dwg"
    return _sniff_photo(data)


def _sniff_photo(data):
    """The type of the photo ``data`` read from its first bytes, or None."""
    for mimetype, signatures in (
        ("image/jpeg", (b"\xff\xd8\xff",)),
        ("image/png", (b"\x89PNG\r\n\x1a\n",)),
        ("image/gif", (b"GIF87a", b"GIF89a")),
    ):
        if data.startswith(signatures):
            return mimetype
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    # ISO base media file: its first box is "ftyp", of the file's brand
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def _check_image(env, name, data, mimetype, limits):
    """Open the image with Pillow, its decompression-bomb guard on; the
    bytes to keep: ``data``, or for a HEIC photo its JPEG."""
    if mimetype == HEIC and pillow_heif is None:
        raise UploadRefused(
            env._(
                "The photo %(name)s is in the HEIC format, which this site cannot "
                "read: send it as JPEG or PNG.",
                name=name,
            )
        )
    too_large = env._(
        "The image %(name)s is too large (more than %(count)s million pixels): "
        "send a smaller photo.",
        name=name,
        count=limits.max_pixels // 1_000_000,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_IMAGE_FORMATS)) as image:
                if _IMAGE_FORMATS.get(image.format) != mimetype:
                    raise UploadRefused(_not_of_kind(env, name, None))
                # the size of the header, before any pixel is decoded
                if image.width * image.height > limits.max_pixels:
                    raise UploadRefused(too_large)
                if mimetype == HEIC:
                    return _jpeg(image)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(too_large) from None
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError):
        raise UploadRefused(
            env._(
                "The image %(name)s cannot be read: it is damaged or incomplete.",
                name=name,
            )
        ) from None
    return data


def _jpeg(image):
    """The JPEG of ``image`` (decoded here), upright: libheif turns a HEIF
    image as its file says and pillow-heif then sets its EXIF orientation
    to "as is"; an orientation still there is applied."""
    if image.getexif().get(_ORIENTATION, 1) != 1:
        image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(
        output,
        "JPEG",
        quality=HEIC_JPEG_QUALITY,
        icc_profile=image.info.get("icc_profile"),
    )
    return output.getvalue()


def _not_of_kind(env, name, kind):
    if kind == "photo" or kind is None:
        return env._(
            "The file %(name)s is not a photo (JPEG, PNG, GIF, WebP or HEIC).",
            name=name,
        )
    return env._(
        "The file %(name)s is not a photo, a PDF, a Word or Excel document "
        "(.docx, .xlsx) or an AutoCAD drawing (.dwg).",
        name=name,
    )


def check_upload(env, filename, data, kind, limits):
    """The :class:`Upload` of one file of ``kind`` (a key of :data:`KINDS`),
    or :class:`UploadRefused` saying why it is refused.  A HEIC photo's
    Upload is its JPEG (``<name>.jpg``, image/jpeg): what is stored."""
    name = sanitize_filename(filename)
    if not data:
        raise UploadRefused(env._("The file %(name)s is empty.", name=name))
    if len(data) > limits.max_size:
        raise UploadRefused(
            env._(
                "The file %(name)s is larger than %(size)s MB.",
                name=name,
                size=limits.max_size // (1024 * 1024),
            )
        )
    mimetype = sniff_mimetype(data)
    if mimetype not in KINDS[kind]:
        raise UploadRefused(_not_of_kind(env, name, kind))
    stem, extension = os.path.splitext(name)
    if not extension or not stem:
        name = f"{name}{EXTENSIONS[mimetype][0]}"
    elif extension.lower() not in EXTENSIONS[mimetype]:
        raise UploadRefused(
            env._(
                "The file %(name)s is not what its name says: its content is a "
                "%(type)s file. Rename it or choose another file.",
                name=name,
                type=EXTENSIONS[mimetype][0][1:].upper(),
            )
        )
    if mimetype in PHOTO_TYPES:
        data = _check_image(env, name, data, mimetype, limits)
    if mimetype == HEIC:
        return Upload(f"{os.path.splitext(name)[0]}.jpg", data, "image/jpeg")
    return Upload(name, data, mimetype)


def read_uploads(env, files, kind, errors):
    """The :class:`Upload` of each of ``files`` (werkzeug file storages of a
    form) that the portal takes as ``kind``; every refusal is appended to
    ``errors`` (and then no file should be kept: the form is shown again)."""
    files = [file for file in files if file and file.filename]
    limits = upload_limits(env)
    if len(files) > limits.max_files:
        errors.append(env._("Attach at most %(count)s files.", count=limits.max_files))
        return []
    uploads = []
    for file in files:
        # read one byte past the limit: enough to know it is too large
        data = file.read(limits.max_size + 1)
        try:
            uploads.append(check_upload(env, file.filename, data, kind, limits))
        except UploadRefused as refusal:
            errors.append(refusal.args[0])
    return uploads


def request_uploads(field, kind, errors):
    """:func:`read_uploads` of the files posted in the form ``field`` of
    the current request: the one place a portal route reads files."""
    return read_uploads(
        request.env, request.httprequest.files.getlist(field), kind, errors
    )


def attachment_values(uploads, record):
    """The ``ir.attachment`` values of ``uploads`` filed on ``record``."""
    return [
        {
            "name": upload.name,
            "raw": upload.data,
            "mimetype": upload.mimetype,
            "res_model": record._name,
            "res_id": record.id,
        }
        for upload in uploads
    ]
