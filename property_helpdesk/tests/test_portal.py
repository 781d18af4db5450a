import base64
import io
import json
import re
from datetime import date

from PIL import Image

from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests import upload_samples as samples

from .common import PropertyHelpdeskCase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAFUok9bAAAAAElFTkSuQmCC"
)
# a photo a tenant uploads: a 1x1 PNG whose chunks are sound (the portal
# has Pillow verify each image; PNG above has a wrong IDAT checksum)
PHOTO = samples.image("PNG", (1, 1))


class PortalCase(PropertyHelpdeskCase):
    """Two tenants, each with an item being worked on and an item waiting
    for its call-back (also used by the phone checks, test_phone.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # tenant A: an item whose work is being done (to rate and sign) ...
        cls.ticket_a = cls._ticket(
            summary="Tour: leaking kitchen pipe",
            category_id=cls.category_plumbing.id,
            department_id=cls.engineering.id,
        )
        cls.wo_a = cls._dispatch_and_start(cls.ticket_a)
        cls.photo_a = cls._photo(cls.ticket_a, "pipe.png")
        # ... and an item whose work is done, waiting for the call-back
        cls.ticket_a_done = cls._ticket(
            summary="Broken corridor light",
            category_id=cls.category_plumbing.id,
            department_id=cls.engineering.id,
        )
        cls._finish(cls._dispatch_and_start(cls.ticket_a_done))
        cls.callback_a = cls.ticket_a_done.callback_ids
        # tenant B: the same, never reachable by tenant A
        cls.ticket_b = cls._ticket(
            unit=cls.unit_b,
            summary="Secret B noise complaint",
            category_id=cls.category_plumbing.id,
            department_id=cls.engineering.id,
        )
        cls.wo_b = cls._dispatch_and_start(cls.ticket_b)
        cls.photo_b = cls._photo(cls.ticket_b, "b_private.png")
        cls.ticket_b_done = cls._ticket(
            unit=cls.unit_b,
            summary="Secret B door",
            category_id=cls.category_plumbing.id,
            department_id=cls.engineering.id,
        )
        cls._finish(cls._dispatch_and_start(cls.ticket_b_done))
        cls.callback_b = cls.ticket_b_done.callback_ids

    @classmethod
    def _dispatch_and_start(cls, ticket):
        ticket.with_user(cls.agent).action_dispatch()
        work_order = ticket.work_order_ids
        work_order.with_user(work_order.user_id).action_start()
        return work_order

    @classmethod
    def _finish(cls, work_order):
        work_order.with_user(work_order.user_id).write(
            {
                "work_done": "<p>Replaced the part</p>",
                "signature": cls._signature(),
                "signed_by": "On site",
            }
        )
        work_order.with_user(work_order.user_id).action_done()

    @classmethod
    def _photo(cls, ticket, name):
        photo = cls.env["ir.attachment"].create(
            {
                "name": name,
                "raw": PNG,
                "res_model": "property.ticket",
                "res_id": ticket.id,
            }
        )
        ticket.photo_ids = [(4, photo.id)]
        return photo


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, PortalCase):
    """The tenant portal of the service desk: what a tenant can do with
    their own items, and that nothing of another tenant is reachable."""

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _csrf(self, url="/my/requests/new"):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _sign(self, work_order, name="Li Na", signature=None):
        response = self.url_open(
            f"/my/work-orders/{work_order.id}/sign",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "name": name,
                        "signature": (signature or self._signature()).decode(),
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _new_request(self, **fields_and_files):
        files = fields_and_files.pop("files", None)
        data = {
            "csrf_token": self._csrf(),
            "kind": "service",
            "unit_id": str(self.unit_a.id),
            "summary": "Portal: blocked drain",
            "description": "The balcony drain is blocked.\nWater comes in.",
        }
        data.update(fields_and_files)
        return self.url_open("/my/requests/new", data=data, files=files or {})

    # ------------------------------------------------------------------
    # own items
    # ------------------------------------------------------------------
    def test_list_and_detail_of_own_items(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self.url_open("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket_a.name, response.text)
        self.assertIn(self.ticket_a_done.name, response.text)
        self.assertNotIn("Secret B", response.text)
        self.assertIn("/my/requests/new", response.text)

        response = self.url_open("/my/requests?filterby=closed")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.ticket_a.name, response.text)
        response = self.url_open("/my/requests?filterby=open&sortby=state")
        self.assertIn(self.ticket_a.name, response.text)

        response = self.url_open(f"/my/requests/{self.ticket_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour: leaking kitchen pipe", response.text)
        self.assertIn(self.wo_a.name, response.text)
        self.assertIn('id="discussion"', response.text)  # the portal chatter
        self.assertIn(
            f"/my/requests/{self.ticket_a.id}/photos/{self.photo_a.id}", response.text
        )
        # no call-back form while the work is being done
        self.assertNotIn("o_property_callback_form", response.text)

        response = self.url_open(
            f"/my/requests/{self.ticket_a.id}/photos/{self.photo_a.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG)

        # a file the desk attached that is not a picture is only downloaded
        notes = self.env["ir.attachment"].create(
            {"name": "notes.html", "raw": b"<script>alert(1)</script>"}
        )
        self.ticket_a.photo_ids = [(4, notes.id)]
        response = self.url_open(f"/my/requests/{self.ticket_a.id}/photos/{notes.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])

        response = self.url_open(f"/my/requests/{self.ticket_a_done.id}")
        self.assertIn("o_property_callback_form", response.text)
        self.assertIn(
            f"/my/requests/{self.ticket_a_done.id}/callback/{self.callback_a.id}",
            response.text,
        )

        response = self.url_open(f"/my/work-orders/{self.wo_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_property_work_order_rate_form", response.text)
        response = self.url_open(f"/my/work-orders/{self.wo_a.id}?report_type=pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")

        # the home page counter, only when asked
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_request_count"]}
        )
        self.assertEqual(counters["property_request_count"], 2)
        self.assertIn("/my/requests", self.url_open("/my").text)

    def test_comment_from_the_portal(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "property.ticket",
                "thread_id": self.ticket_a.id,
                "post_data": {
                    "body": "Can the plumber come after 6 pm?",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        message = self.ticket_a.message_ids.filtered(
            lambda m: "after 6 pm" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.tenant_a)
        # not on another tenant's item
        before = len(self.ticket_b.message_ids)
        response = self.url_open(
            "/mail/message/post",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "thread_model": "property.ticket",
                        "thread_id": self.ticket_b.id,
                        "post_data": {"body": "Hello B", "message_type": "comment"},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["error"]["code"], 404)
        self.assertEqual(len(self.ticket_b.message_ids), before)

    # ------------------------------------------------------------------
    # new request
    # ------------------------------------------------------------------
    def test_submit_request_with_photos(self):
        self.site.agent_id = self.agent
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._new_request(
            files=[
                ("photos", ("drain.png", PHOTO, "image/png")),
                ("photos", ("drain2.png", PHOTO, "image/png")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Portal: blocked drain")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertTrue(
            response.url.endswith(f"/my/requests/{ticket.id}?message=created")
        )
        self.assertIn("has been registered", response.text)
        self.assertRecordValues(
            ticket,
            [
                {
                    "kind": "service",
                    "channel": "portal",
                    "state": "new",
                    "partner_id": self.tenant_a.id,
                    "unit_id": self.unit_a.id,
                    "site_id": self.site.id,
                    "occupancy_id": self.occupancy_a.id,
                    "company_id": self.company.id,
                    "user_id": self.agent.id,  # the site's service agent
                }
            ],
        )
        self.assertIn("Water comes in.", ticket.description)
        self.assertEqual(len(ticket.photo_ids), 2)
        self.assertEqual(set(ticket.photo_ids.mapped("mimetype")), {"image/png"})
        self.assertEqual(set(ticket.photo_ids.mapped("res_id")), {ticket.id})
        self.assertIn(self.tenant_a, ticket.message_partner_ids)
        # the new item is in the tenant's list
        self.assertIn(ticket.name, self.url_open("/my/requests").text)

    def test_submit_iphone_photo_is_kept_as_jpeg(self):
        """A HEIC photo (Safari sends an iPhone's library photo as it is) is
        stored as the JPEG every browser of the back office shows."""
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        heic = samples.heic((40, 30))
        response = self._new_request(
            files=[("photos", ("IMG_4032.HEIC", heic, "image/heic"))]
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Portal: blocked drain")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertRecordValues(
            ticket.photo_ids, [{"name": "IMG_4032.jpg", "mimetype": "image/jpeg"}]
        )
        photo = Image.open(io.BytesIO(ticket.photo_ids.raw), formats=["JPEG"])
        self.assertEqual(photo.size, (40, 30))

    def test_submit_refused_for_other_tenant_unit(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        Ticket = self.env["property.ticket"]
        before = Ticket.search_count([])
        attachments = self.env["ir.attachment"].search_count([])
        response = self._new_request(
            unit_id=str(self.unit_b.id),
            files=[("photos", ("drain.png", PHOTO, "image/png"))],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose one of your units.", response.text)
        self.assertIn('value="Portal: blocked drain"', response.text)  # kept
        self.assertEqual(Ticket.search_count([]), before)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_submit_refused_for_ended_occupancy_and_bad_input(self):
        unit_old = self.env["property.unit"].create(
            {"code": "T-0199", "site_id": self.site.id, "area": 50}
        )
        old = self.env["property.occupancy"].create(
            {
                "unit_id": unit_old.id,
                "tenant_id": self.tenant_a.id,
                "move_in_date": date(2025, 1, 1),
            }
        )
        old.action_activate()
        old.action_end()
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        Ticket = self.env["property.ticket"]
        before = Ticket.search_count([])
        cases = [
            ({"unit_id": str(unit_old.id)}, "Choose one of your units."),
            ({"unit_id": "not-a-number"}, "Choose one of your units."),
            ({"kind": "lawsuit"}, "Choose what kind of request this is."),
            ({"summary": "   "}, "Say in a few words what it is about."),
            (
                {
                    "files": [
                        (
                            "photos",
                            ("virus.png", b"MZ\x90\x00 not a photo", "image/png"),
                        )
                    ]
                },
                "is not a photo",
            ),
            (
                {"files": [("photos", ("p.png", PHOTO, "image/png"))] * 11},
                "Attach at most 10 files.",
            ),
        ]
        for values, error in cases:
            response = self._new_request(**values)
            self.assertEqual(response.status_code, 200, values)
            self.assertIn(error, response.text, values)
        self.env["ir.config_parameter"].set_param(
            "property_tenant.upload_max_size_mb", "1"
        )
        response = self._new_request(
            files=[("photos", ("p.png", PHOTO + b"\0" * 1024 * 1024, "image/png"))]
        )
        self.assertIn("The file p.png is larger than 1 MB.", response.text)
        self.assertEqual(Ticket.search_count([]), before)
        # the form offers the active units only
        page = self.url_open("/my/requests/new").text
        self.assertIn("T-0101", page)
        self.assertNotIn("T-0199", page)
        self.assertNotIn("T-0102", page)

    def test_submit_refuses_hostile_photos(self):
        """Each hostile file is refused on the form, in words the tenant
        understands, and nothing is created: no item, no attachment."""
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        Ticket = self.env["property.ticket"]
        Attachment = self.env["ir.attachment"]
        before = (Ticket.search_count([]), Attachment.search_count([]))
        good = ("photos", ("good.png", PHOTO, "image/png"))
        cases = [
            (("evil.jpg", samples.HTML, "image/jpeg"), "is not a photo"),
            (("evil.jpg", samples.SVG, "image/jpeg"), "is not a photo"),
            (("plan.pdf", samples.PDF, "application/pdf"), "is not a photo"),
            (("photo.jpg", PHOTO, "image/jpeg"), "is not what its name says"),
            (("IMG_4032.heic", samples.HTML, "image/heic"), "is not a photo"),
            (
                ("IMG_4032.jpg", samples.heic(), "image/jpeg"),
                "its content is a HEIC file",
            ),
            (("cut.heic", samples.heic()[:200], "image/heic"), "cannot be read"),
            (("broken.png", PNG, "image/png"), "cannot be read"),
            (("cut.png", samples.TRUNCATED_PNG, "image/png"), "cannot be read"),
            (
                ("bomb.png", samples.png_bomb(30000, 30000), "image/png"),
                "is too large (more than 50 million pixels)",
            ),
            (
                ("bomb.png", samples.png_bomb(10000, 10000), "image/png"),
                "is too large (more than 50 million pixels)",
            ),
            (("empty.png", b"", "image/png"), "is empty"),
        ]
        for file, error in cases:
            with self.subTest(name=file[0], error=error):
                # a good photo beside it is not kept either
                response = self._new_request(files=[good, ("photos", file)])
                self.assertEqual(response.status_code, 200)
                self.assertIn(error, response.text)
                self.assertIn("Please choose your photos again.", response.text)
                self.assertIn('value="Portal: blocked drain"', response.text)
                self.assertEqual(
                    (Ticket.search_count([]), Attachment.search_count([])), before
                )

    def _chatter_upload(self, name, data):
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": self._csrf(),
                "thread_id": str(self.ticket_a.id),
                "thread_model": "property.ticket",
            },
            files={"ufile": (name, data, "application/octet-stream")},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_chatter_attachments_pass_the_same_gate(self):
        """The portal chatter of a request takes the same files as the forms."""
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        Attachment = self.env["ir.attachment"]
        before = Attachment.search_count([])
        for name, data, error in (
            ("evil.jpg", samples.HTML, "is not a photo, a PDF"),
            ("evil.svg", samples.SVG, "is not a photo, a PDF"),
            ("bomb.png", samples.png_bomb(30000, 30000), "is too large"),
            ("plan.docx", samples.PDF, "is not what its name says"),
        ):
            with self.subTest(name=name):
                result = self._chatter_upload(name, data)
                self.assertIn(error, result.get("error", ""))
                self.assertEqual(Attachment.search_count([]), before)
        result = self._chatter_upload("../\u202eleak.png", PHOTO)
        self.assertNotIn("error", result)
        attachment = Attachment.search([], order="id desc", limit=1)
        self.assertEqual(attachment.name, "leak.png")
        self.assertEqual(attachment.raw, PHOTO)
        # an iPhone photo: its JPEG is stored, not the file sent
        result = self._chatter_upload("IMG_4032.heic", samples.heic((40, 30)))
        self.assertNotIn("error", result)
        attachment = Attachment.search([], order="id desc", limit=1)
        self.assertEqual(
            (attachment.name, attachment.mimetype), ("IMG_4032.jpg", "image/jpeg")
        )
        photo = Image.open(io.BytesIO(attachment.raw), formats=["JPEG"])
        self.assertEqual(photo.size, (40, 30))

    def test_submit_refusal_in_the_tenants_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["property_tenant", "property_helpdesk"], ["zh_CN"]
        )
        self.portal_a.lang = "zh_CN"
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._new_request(
            files=[("photos", ("evil.jpg", samples.HTML, "image/jpeg"))]
        )
        self.assertIn(
            "文件 evil.jpg 不是照片（JPEG、PNG、GIF、WebP 或 HEIC）。", response.text
        )

    def test_submit_photo_names_are_cleaned(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._new_request(
            files=[
                ("photos", ("..\\..\\drain\u202egnp.exe.png", PHOTO, "image/png")),
                ("photos", (".hidden", samples.image("JPEG"), "image/jpeg")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Portal: blocked drain")]
        )
        self.assertRecordValues(
            ticket.photo_ids.sorted("name"),
            [
                {"name": "draingnp.exe.png", "mimetype": "image/png"},
                {"name": "hidden.jpg", "mimetype": "image/jpeg"},
            ],
        )

    def test_submit_needs_csrf_token(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        before = self.env["property.ticket"].search_count([])
        response = self.url_open(
            "/my/requests/new",
            data={"kind": "service", "unit_id": self.unit_a.id, "summary": "No token"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["property.ticket"].search_count([]), before)

    # ------------------------------------------------------------------
    # work order sign-off
    # ------------------------------------------------------------------
    def test_rate_then_sign_stores_signature(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        url = f"/my/work-orders/{self.wo_a.id}"
        # signing before rating is refused
        self.assertIn("error", self._sign(self.wo_a)["result"])
        self.assertFalse(self.wo_a.signature)

        response = self.url_open(
            f"{url}/rate",
            data={
                "csrf_token": self._csrf(),
                "satisfaction": "4",
                "comment": "Tidy work",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.wo_a.satisfaction, "4")
        self.assertEqual(self.wo_a.customer_comment, "Tidy work")
        self.assertIn("o_property_work_order_sign_button", response.text)

        result = self._sign(self.wo_a, name="Li Na")["result"]
        self.assertTrue(result.get("force_refresh"), result)
        self.assertIn("message=signed", result["redirect_url"])
        self.assertTrue(self.wo_a.signature)
        self.assertEqual(self.wo_a.signed_by, "Li Na")
        self.assertTrue(self.wo_a.signed_at)
        # the technician has not recorded the work done: completion stays his
        self.assertEqual(self.wo_a.state, "in_progress")
        self.assertEqual(self.ticket_a.state, "in_progress")
        # signed: neither rating nor signature can change any more
        self.assertIn("error", self._sign(self.wo_a, name="Someone else")["result"])
        self.assertEqual(self.wo_a.signed_by, "Li Na")
        self.url_open(
            f"{url}/rate",
            data={"csrf_token": self._csrf(), "satisfaction": "1"},
        )
        self.assertEqual(self.wo_a.satisfaction, "4")

    def test_sign_completes_when_work_done_is_recorded(self):
        self.wo_a.with_user(self.plumber).work_done = "<p>New pipe fitted</p>"
        self.wo_a.satisfaction = "5"
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        result = self._sign(self.wo_a)["result"]
        self.assertIn("message=signed_done", result["redirect_url"])
        self.assertEqual(self.wo_a.state, "done")
        self.assertTrue(self.wo_a.done_at)
        self.assertEqual(self.ticket_a.state, "done")
        self.assertEqual(self.ticket_a.callback_ids.state, "todo")

    def test_sign_rejects_garbage(self):
        self.wo_a.satisfaction = "5"
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        result = self._sign(self.wo_a, signature=b"bm90IGFuIGltYWdl")["result"]
        self.assertIn("error", result)
        self.assertFalse(self.wo_a.signature)
        self.assertIn("error", self._sign(self.wo_a, name="  ")["result"])
        self.assertFalse(self.wo_a.signature)

    # ------------------------------------------------------------------
    # call-back online
    # ------------------------------------------------------------------
    def _answer_callback(self, satisfaction, comment=""):
        url = f"/my/requests/{self.ticket_a_done.id}"
        return self.url_open(
            f"{url}/callback/{self.callback_a.id}",
            data={
                "csrf_token": self._csrf(),
                "satisfaction": satisfaction,
                "comment": comment,
            },
        )

    def test_callback_satisfied_closes(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._answer_callback("5", "All good")
        self.assertEqual(response.status_code, 200)
        self.assertIn("message=callback_closed", response.url)
        self.assertRecordValues(
            self.callback_a,
            [
                {
                    "state": "done",
                    "method": "portal",
                    "satisfaction": "5",
                    "comment": "All good",
                }
            ],
        )
        self.assertEqual(self.ticket_a_done.state, "closed")
        self.assertNotIn("o_property_callback_form", response.text)

    def test_callback_unsatisfied_reopens(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._answer_callback("2", "Still flickering")
        self.assertIn("message=callback_reopened", response.url)
        self.assertEqual(self.callback_a.state, "done")
        self.assertEqual(self.callback_a.method, "portal")
        self.assertEqual(self.ticket_a_done.state, "in_progress")
        self.assertEqual(self.ticket_a_done.round_count, 2)
        self.assertEqual(len(self.ticket_a_done.work_order_ids), 2)
        # a call-back is answered once
        response = self._answer_callback("5")
        self.assertIn("error=locked", response.url)
        self.assertEqual(self.callback_a.satisfaction, "2")

    def test_callback_needs_a_satisfaction(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        response = self._answer_callback("9")
        self.assertIn("error=satisfaction", response.url)
        self.assertEqual(self.callback_a.state, "todo")

    # ------------------------------------------------------------------
    # nothing of another tenant, by any route
    # ------------------------------------------------------------------
    def test_idor_every_route(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        csrf = self._csrf()
        tb, wb, cb = self.ticket_b, self.wo_b, self.callback_b
        ta = self.ticket_a_done
        gets = [
            f"/my/requests/{tb.id}",
            f"/my/requests/{tb.id}?access_token=wrong",
            "/my/requests/999999",
            f"/my/requests/{tb.id}/photos/{self.photo_b.id}",
            # B's photo through A's own item
            f"/my/requests/{self.ticket_a.id}/photos/{self.photo_b.id}",
            # A's photo through B's item
            f"/my/requests/{tb.id}/photos/{self.photo_a.id}",
            f"/my/work-orders/{wb.id}",
            f"/my/work-orders/{wb.id}?access_token=wrong",
            f"/my/work-orders/{wb.id}?report_type=pdf",
            f"/my/work-orders/{wb.id}?report_type=pdf&download=true",
            "/my/work-orders/999999",
        ]
        for url in gets:
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Secret B", response.text, url)
            self.assertNotIn(PNG, response.content, url)
        posts = [
            (f"/my/requests/{self.ticket_b_done.id}/callback/{cb.id}", {}),
            # B's call-back through A's own item, and A's through B's
            (f"/my/requests/{ta.id}/callback/{cb.id}", {}),
            (f"/my/requests/{self.ticket_b_done.id}/callback/{self.callback_a.id}", {}),
            (f"/my/work-orders/{wb.id}/rate", {"comment": "hacked"}),
        ]
        for url, extra in posts:
            response = self.url_open(
                url, data={"csrf_token": csrf, "satisfaction": "5", **extra}
            )
            self.assertEqual(response.status_code, 404, url)
        response = self.url_open(
            f"/my/work-orders/{wb.id}/sign",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"name": "A", "signature": self._signature().decode()},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["error"]["code"], 404)
        # a new request for B's unit was refused above; nothing changed for B
        self.assertRecordValues(
            wb,
            [
                {
                    "satisfaction": False,
                    "customer_comment": False,
                    "signature": False,
                    "signed_by": False,
                    "state": "in_progress",
                }
            ],
        )
        self.assertEqual(cb.state, "todo")
        self.assertEqual(self.callback_a.state, "todo")
        self.assertEqual(self.ticket_b_done.state, "done")
        # nor through the generic routes (/web/image answers a placeholder)
        signed_b = self.ticket_b_done.work_order_ids
        self.assertEqual(base64.b64decode(signed_b.signature), PNG)
        self.assertNotEqual(
            self.url_open(f"/web/content/{self.photo_b.id}").status_code, 200
        )
        for url in (
            f"/web/image/{self.photo_b.id}",
            # B's signed work order (the signature is that same PNG)
            f"/web/image/property.work.order/{signed_b.id}/signature",
        ):
            self.assertNotIn(PNG, self.url_open(url).content, url)
        listing = self.url_open("/my/requests").text
        self.assertNotIn(tb.name, listing)
        self.assertNotIn(
            f"/my/work-orders/{wb.id}",
            self.url_open(f"/my/requests/{self.ticket_a.id}").text,
        )

    def test_anonymous(self):
        for url in ("/my/requests", "/my/requests/new"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), url)
            self.assertIn("/web/login", response.headers["Location"], url)
        for url in (
            f"/my/requests/{self.ticket_a.id}",
            f"/my/requests/{self.ticket_a.id}/photos/{self.photo_a.id}",
            f"/my/work-orders/{self.wo_a.id}",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        # a share link (access token) opens the item without login
        self.ticket_a._portal_ensure_token()
        token = self.ticket_a.access_token
        response = self.url_open(
            f"/my/requests/{self.ticket_a.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour: leaking kitchen pipe", response.text)
        response = self.url_open(
            f"/my/requests/{self.ticket_a.id}/photos/{self.photo_a.id}"
            f"?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        # the item's token does not open another item
        response = self.url_open(
            f"/my/requests/{self.ticket_b.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # the browser
    # ------------------------------------------------------------------
    def test_portal_tour(self):
        self.start_tour("/my", "property_helpdesk_portal_tour", login="ph_tenant_a")
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Tour: dripping bathroom tap")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.tenant_a)
        self.assertEqual(ticket.unit_id, self.unit_a)
        self.assertEqual(len(ticket.photo_ids), 1)
        self.assertRecordValues(
            self.wo_a,
            [
                {
                    "satisfaction": "5",
                    "customer_comment": "Quick and clean work, thank you.",
                    "signed_by": "Li Na",
                }
            ],
        )
        self.assertTrue(self.wo_a.signature)
