"""The gate of portal uploads (property_tenant/upload.py): names, types,
sizes, counts, decompression bombs and iPhone photos (HEIC, kept as JPEG)."""

import io
from pathlib import Path
from unittest.mock import patch

from PIL import Image, ImageCms
from werkzeug.datastructures import FileStorage

from odoo.tests import TransactionCase, tagged

from .. import upload as upload_module
from ..upload import (
    KINDS,
    UploadRefused,
    check_upload,
    read_uploads,
    sanitize_filename,
    sniff_mimetype,
    upload_limits,
)
from . import upload_samples as samples

REPOSITORY = Path(__file__).resolve().parents[2]


@tagged("post_install", "-at_install")
class TestUpload(TransactionCase):
    def _check(self, name, data, kind="photo"):
        return check_upload(self.env, name, data, kind, upload_limits(self.env))

    def _refused(self, name, data, kind="photo"):
        with self.assertRaises(UploadRefused) as refusal:
            self._check(name, data, kind)
        return refusal.exception.args[0]

    def test_file_names_are_cleaned(self):
        cases = {
            "../../etc/passwd.png": "passwd.png",
            "C:\\Users\\li\\photo.png": "photo.png",
            # the right-to-left override would show "photoexe.png"
            "photo\u202egnp.exe": "photognp.exe",
            "a\x00b\x1f\x7fc.png": "abc.png",
            "zero\u200bwidth.png": "zerowidth.png",
            ".htaccess": "htaccess",
            "..png": "png",
            "  spaced   out  .png ": "spaced out .png",
            'what?<is>:"this"|*.png': "what__is___this___.png",
            "照片 1.png": "照片 1.png",
            "": "file",
            "\u202e\u202e": "file",
        }
        for name, clean in cases.items():
            with self.subTest(name=name):
                self.assertEqual(sanitize_filename(name), clean)
        long_name = sanitize_filename("a" * 300 + ".png")
        self.assertEqual(len(long_name), 120)
        self.assertTrue(long_name.endswith("a.png"))
        self.assertEqual(len(sanitize_filename("b" * 300)), 120)

    def test_types_are_read_from_the_content(self):
        self.assertEqual(sniff_mimetype(samples.image("JPEG")), "image/jpeg")
        self.assertEqual(sniff_mimetype(samples.image("PNG")), "image/png")
        self.assertEqual(sniff_mimetype(samples.image("GIF")), "image/gif")
        self.assertEqual(sniff_mimetype(samples.image("WEBP")), "image/webp")
        self.assertEqual(sniff_mimetype(samples.PDF), "application/pdf")
        self.assertIn("wordprocessingml", sniff_mimetype(samples.ooxml("word/")))
        self.assertIn("spreadsheetml", sniff_mimetype(samples.ooxml("xl/")))
        self.assertEqual(sniff_mimetype(samples.DWG), "image/vnd.dwg")
        self.assertEqual(sniff_mimetype(samples.heic()), "image/heic")
        for brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1"):
            with self.subTest(brand=brand):
                head = b"\x00\x00\x00\x18ftyp" + brand + b"\x00" * 12
                self.assertEqual(sniff_mimetype(head), "image/heic")
        for data in (
            # an AVIF photo and an MP4 video are ISO media files too
            b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1miaf",
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42",
            b"ftypheic at the wrong place",
            b"AC1O32 not a drawing",
            b"AC99 plain text",
            samples.HTML,
            samples.SVG,
            samples.ooxml(macros=True),
            b"PK\x03\x04 not a zip",
            b"MZ\x90\x00",
            b"plain text",
        ):
            with self.subTest(data=data[:20]):
                self.assertIsNone(sniff_mimetype(data))

    def test_accepted_files(self):
        for fmt, name in (
            ("JPEG", "kitchen.JPG"),
            ("PNG", "drain.png"),
            ("GIF", "leak.gif"),
            ("WEBP", "wall.webp"),
        ):
            if fmt == "WEBP" and not samples.WEBP_READABLE:
                # what Pillow cannot open is refused, never stored unread
                message = self._refused(name, samples.image(fmt))
                self.assertIn("cannot be read", message)
                continue
            with self.subTest(fmt=fmt):
                upload = self._check(name, samples.image(fmt))
                self.assertEqual(upload.name, name)
                self.assertEqual(upload.mimetype, KINDS["photo"][upload_index(fmt)])
        upload = self._check("plan.pdf", samples.PDF, "document")
        self.assertEqual(upload.mimetype, "application/pdf")
        upload = self._check("quote.docx", samples.ooxml(), "document")
        self.assertEqual(upload.name, "quote.docx")
        upload = self._check("二层平面图.DWG", samples.DWG, "document")
        self.assertEqual(
            (upload.name, upload.mimetype), ("二层平面图.DWG", "image/vnd.dwg")
        )
        # a name without extension gets the one of its content
        self.assertEqual(self._check("IMG_0001", samples.image()).name, "IMG_0001.png")
        self.assertEqual(
            self._check("../\u202eplan", samples.PDF, "document").name, "plan.pdf"
        )

    def test_files_of_another_kind_are_refused(self):
        not_a_photo = "is not a photo (JPEG, PNG, GIF, WebP or HEIC)"
        for name, data in (
            ("photo.jpg", samples.HTML),
            ("photo.jpg", samples.SVG),
            ("IMG_0001.heic", samples.HTML),
            ("IMG_0001.HEIF", samples.SVG),
            ("drawing.svg", samples.SVG),
            ("plan.pdf", samples.PDF),
            ("plan.dwg", samples.DWG),
            ("virus.png", b"MZ\x90\x00 not a photo"),
        ):
            with self.subTest(name=name, data=data[:10]):
                self.assertIn(not_a_photo, self._refused(name, data))
        for name, data in (
            ("plan.pdf", samples.HTML),
            ("macro.docx", samples.ooxml(macros=True)),
            ("page.html", samples.HTML),
        ):
            with self.subTest(name=name):
                self.assertIn(
                    "is not a photo, a PDF", self._refused(name, data, "document")
                )
        message = self._refused("plan.pdf", samples.DWG, "document")
        self.assertIn("its content is a DWG file", message)
        message = self._refused("photo.pdf", samples.image(), "document")
        self.assertIn("is not what its name says", message)
        self.assertIn("PNG", message)
        self.assertIn(
            "is not what its name says", self._refused("photo.jpg", samples.image())
        )
        self.assertIn("is empty", self._refused("empty.png", b""))
        message = self._refused("IMG_0001.jpg", samples.heic())
        self.assertIn("its content is a HEIC file", message)
        message = self._refused("IMG_0001.pdf", samples.heic(), "document")
        self.assertIn("is not what its name says", message)

    def _jpeg(self, upload):
        self.assertEqual(upload.mimetype, "image/jpeg")
        image = Image.open(io.BytesIO(upload.data), formats=["JPEG"])
        image.load()
        return image

    def test_heic_photos_are_kept_as_jpeg(self):
        """An iPhone photo (HEIC) is stored as a JPEG every browser shows."""
        upload = self._check("IMG_0001.HEIC", samples.heic((40, 30)))
        self.assertEqual(upload.name, "IMG_0001.jpg")
        image = self._jpeg(upload)
        self.assertEqual(image.size, (40, 30))
        red, green, blue = image.getpixel((20, 15))
        self.assertTrue(red > 150 and green < 90 and blue < 90, (red, green, blue))
        for name, kind, clean in (
            ("plan.heif", "document", "plan.jpg"),
            ("IMG_0002", "photo", "IMG_0002.jpg"),
            ("../\u202eIMG_0003.heic", "photo", "IMG_0003.jpg"),
        ):
            with self.subTest(name=name):
                upload = self._check(name, samples.heic(), kind)
                self.assertEqual(upload.name, clean)
                self.assertEqual(self._jpeg(upload).size, (40, 30))

    def test_heic_photos_are_upright_with_their_colours(self):
        """A photo taken with the phone turned (EXIF orientation 6: turn it
        a quarter clockwise) is stored upright; its colour profile kept."""
        exif = Image.Exif()
        exif[0x0112] = 6
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        data = samples.heic((40, 30), exif=exif.tobytes(), icc_profile=profile)
        image = self._jpeg(self._check("turned.heic", data))
        self.assertEqual(image.size, (30, 40))
        self.assertIn(image.getexif().get(0x0112), (None, 1))
        self.assertEqual(image.info.get("icc_profile"), profile)

    def test_heic_photos_that_cannot_be_read_or_are_too_large(self):
        data = samples.heic()
        for cut in (data[:40], data[: len(data) // 2], data[:-10]):
            with self.subTest(length=len(cut)):
                self.assertIn("cannot be read", self._refused("cut.heic", cut))
        self.env["ir.config_parameter"].set_param(
            "property_tenant.upload_max_megapixels", "1"
        )
        big = samples.heic((1001, 1000))
        # refused on the size its header says, before any pixel is decoded
        decoder = type(Image.open(io.BytesIO(big)))
        with patch.object(decoder, "load", side_effect=AssertionError("decoded")):
            message = self._refused("big.heic", big)
        self.assertIn("is too large (more than 1 million pixels)", message)
        upload = self._check("small.heic", samples.heic((1000, 1000)))
        self.assertEqual(self._jpeg(upload).size, (1000, 1000))

    def test_heic_refused_without_its_reader(self):
        """Without pillow-heif a HEIC photo is refused, saying why."""
        with patch.object(upload_module, "pillow_heif", None):
            message = self._refused("IMG_0001.heic", samples.heic())
        self.assertIn("is in the HEIC format, which this site cannot read", message)

    def test_images_that_cannot_be_read_or_are_too_large(self):
        self.assertIn("cannot be read", self._refused("cut.png", samples.TRUNCATED_PNG))
        # above Pillow's guard (MAX_IMAGE_PIXELS: a warning), far above it
        # (an error), above the setting: each refused, none decoded
        for width, height in ((10000, 10000), (30000, 30000), (8000, 7000)):
            with self.subTest(size=(width, height)):
                message = self._refused("bomb.png", samples.png_bomb(width, height))
                self.assertIn("is too large (more than 50 million pixels)", message)
        self.env["ir.config_parameter"].set_param(
            "property_tenant.upload_max_megapixels", "1"
        )
        self.assertIn(
            "more than 1 million pixels",
            self._refused("big.png", samples.png_bomb(1200, 1000)),
        )
        self._check("small.png", samples.png_bomb(1000, 1000))

    def test_limits_come_from_the_settings(self):
        limits = upload_limits(self.env)
        self.assertEqual(
            (limits.max_files, limits.max_size, limits.max_pixels),
            (10, 10 * 1024 * 1024, 50_000_000),
        )
        params = self.env["ir.config_parameter"]
        params.set_param("property_tenant.upload_max_files", "2")
        params.set_param("property_tenant.upload_max_size_mb", "1")
        self.assertEqual(upload_limits(self.env)[:2], (2, 1024 * 1024))
        params.set_param("property_tenant.upload_max_files", "nonsense")
        params.set_param("property_tenant.upload_max_size_mb", "-3")
        self.assertEqual(upload_limits(self.env)[:2], (10, 10 * 1024 * 1024))
        params.set_param("property_tenant.upload_max_size_mb", "1")
        big = samples.PDF + b"0" * (1024 * 1024)
        self.assertIn("is larger than 1 MB", self._refused("big.pdf", big, "document"))

    def test_read_uploads_counts_and_collects_every_refusal(self):
        def storage(name, data):
            return FileStorage(io.BytesIO(data), filename=name)

        self.env["ir.config_parameter"].set_param(
            "property_tenant.upload_max_files", "2"
        )
        errors = []
        files = [storage(f"p{i}.png", samples.image()) for i in range(3)]
        self.assertEqual(read_uploads(self.env, files, "photo", errors), [])
        self.assertEqual(errors, ["Attach at most 2 files."])
        errors = []
        files = [
            storage("ok.png", samples.image()),
            storage("evil.jpg", samples.HTML),
            storage("", b"an empty file input"),
        ]
        uploads = read_uploads(self.env, files, "photo", errors)
        self.assertEqual([upload.name for upload in uploads], ["ok.png"])
        self.assertEqual(len(errors), 1)
        self.assertIn("evil.jpg", errors[0])
        # every caller gets a HEIC photo's JPEG, not the file sent
        errors = []
        files = [storage("IMG_0001.heic", samples.heic())]
        uploads = read_uploads(self.env, files, "document", errors)
        self.assertEqual(errors, [])
        self.assertEqual(
            [(upload.name, upload.mimetype) for upload in uploads],
            [("IMG_0001.jpg", "image/jpeg")],
        )
        self.assertTrue(uploads[0].data.startswith(b"\xff\xd8\xff"))

    def test_every_portal_upload_goes_through_the_gate(self):
        """No route of the suite reads posted files but through
        request_uploads: a new form that takes files gets the same checks."""
        readers = sorted(
            str(path.relative_to(REPOSITORY))
            for path in REPOSITORY.rglob("*.py")
            if "httprequest.files" in path.read_text(encoding="utf-8")
            and "/tests/" not in str(path)
            and ".state" not in path.parts
        )
        self.assertEqual(readers, ["property_tenant/upload.py"])


def upload_index(fmt):
    return ("JPEG", "PNG", "GIF", "WEBP").index(fmt)
