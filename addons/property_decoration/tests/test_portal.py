"""My Decorations: IDOR on every route, the tenant's side walked by a real
browser on a phone from application to permit, the pages read on a phone
(390 px)."""

import re

from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests import upload_samples as samples
from odoo.addons.property_tenant.tests.phone import PhoneCase

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestPortal(PhoneCase, HttpCase, DecorationCase):
    frozen_day = None  # the browser runs in real time

    def test_routes_are_the_tenants_own(self):
        decoration = self._permitted()
        own = f"/my/decorations/{decoration.id}"
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        for url in ("/my/decorations", own, f"{own}/permit"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
        page = self.url_open(own).text
        self.assertIn(decoration.name, page)
        permit = self.url_open(f"{own}/permit")
        self.assertEqual(permit.headers["Content-Type"], "application/pdf")
        self.assertIn("Decoration_Permit", permit.headers["Content-Disposition"])
        if not permit.content.startswith(b"%PDF"):
            # tests render reports as HTML: the permit lists the workers
            self.assertIn("Sun Qiang", permit.text)
        self.authenticate("pd_tenant_b", "pd_tenant_b")
        for url in (own, f"{own}/permit"):
            with self.subTest(url=url, who="other tenant"):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertNotIn(decoration.name, self.url_open("/my/decorations").text)
        self.authenticate(None, None)
        for url in (own, f"{own}/permit"):
            with self.subTest(url=url, who="public"):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 404))

    def test_permit_not_downloadable_before_issue(self):
        decoration = self._decoration()
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        response = self.url_open(f"/my/decorations/{decoration.id}/permit")
        self.assertEqual(response.status_code, 404)

    def test_apply_for_another_tenants_unit_is_refused(self):
        self.authenticate("pd_tenant_b", "pd_tenant_b")
        response = self.url_open(
            "/my/decorations/new",
            data={
                "occupancy_id": self.occupancy_a.id,
                "contractor_name": "Sneaky Ltd",
                "csrf_token": self._csrf_token(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose one of your units.", response.text)
        self.assertFalse(
            self.env["property.decoration"].search(
                [("contractor_name", "=", "Sneaky Ltd")]
            )
        )

    def _apply(self, files):
        return self.url_open(
            "/my/decorations/new",
            data={
                "csrf_token": self._csrf_token(),
                "occupancy_id": self.occupancy_a.id,
                "contractor_name": "Upload Builders Ltd",
                "contractor_person": "Zhou Jie",
                "contractor_phone": "13800000000",
                "scope": "Floor tiles",
                "area": "45",
                "date_start": "2027-04-01",
                "date_end": "2027-04-30",
                "undertaking": "1",
                "worker_name_1": "Sun Qiang",
            },
            files=files,
        )

    def test_apply_refuses_hostile_files_and_creates_nothing(self):
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        Decoration = self.env["property.decoration"]
        Attachment = self.env["ir.attachment"]
        before = (Decoration.search_count([]), Attachment.search_count([]))
        good = ("drawings", ("plan.pdf", samples.PDF, "application/pdf"))
        other_kind = "is not a photo, a PDF"
        cases = [
            (("plan.pdf", samples.HTML, "application/pdf"), other_kind),
            (("plan.jpg", samples.SVG, "image/jpeg"), other_kind),
            (("macro.docx", samples.ooxml(macros=True), "text/plain"), other_kind),
            (("plan.docx", samples.PDF, "text/plain"), "is not what its name says"),
            (
                ("bomb.png", samples.png_bomb(30000, 30000), "image/png"),
                "is too large",
            ),
        ]
        for file, error in cases:
            with self.subTest(name=file[0]):
                response = self._apply([good, ("drawings", file)])
                self.assertEqual(response.status_code, 200)
                self.assertIn(error, response.text)
                self.assertIn('value="Upload Builders Ltd"', response.text)
                self.assertEqual(
                    (Decoration.search_count([]), Attachment.search_count([])),
                    before,
                )
        self.env["ir.config_parameter"].set_param(
            "property_tenant.upload_max_files", "2"
        )
        response = self._apply([good] * 3)
        self.assertIn("Attach at most 2 files.", response.text)
        self.assertEqual(Decoration.search_count([]), before[0])

    def test_apply_with_documents_cleans_their_names(self):
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        response = self._apply(
            [
                ("drawings", ("../../plan\u202efdp.exe.pdf", samples.PDF, "text/html")),
                ("drawings", ("quote.docx", samples.ooxml(), "application/msword")),
                ("drawings", ("site.jpeg", samples.image("JPEG"), "image/jpeg")),
                # an iPhone photo of the site: kept as JPEG
                ("drawings", ("IMG_0007.HEIC", samples.heic(), "image/heic")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        decoration = self.env["property.decoration"].search(
            [("contractor_name", "=", "Upload Builders Ltd")]
        )
        self.assertEqual(decoration.state, "submitted")
        self.assertEqual(
            sorted(decoration.attachment_ids.mapped("name")),
            ["IMG_0007.jpg", "planfdp.exe.pdf", "quote.docx", "site.jpeg"],
        )
        photo = decoration.attachment_ids.filtered(lambda a: a.name == "IMG_0007.jpg")
        self.assertEqual(photo.mimetype, "image/jpeg")
        self.assertTrue(photo.raw.startswith(b"\xff\xd8\xff"))

    def _csrf_token(self):
        page = self.url_open("/my/decorations/new").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def _enable_demo_payments(self):
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        # only the demo provider: the tour picks it whatever else exists
        self.env["payment.provider"].search(
            [("id", "!=", provider.id), ("state", "!=", "disabled")]
        ).write({"state": "disabled"})
        return provider

    def test_tour_from_application_to_permit(self):
        """R-DEC walked by the tenant in a real browser on a phone (390 px):
        tour A applies, the staff review and approve (in Python, as their
        day goes), tour B follows the application to the fees and pays them
        online, the permit is issued by the last payment, tour C finds it."""
        provider = self._enable_demo_payments()

        # A. the tenant applies, with a drawing
        self.start_tour("/my", "property_decoration_portal_tour", login="pd_tenant_a")
        decoration = self.env["property.decoration"].search(
            [("contractor_name", "=", "Tour Builders Ltd")]
        )
        self.assertEqual(len(decoration), 1)
        self.assertEqual(decoration.state, "submitted")
        self.assertEqual(decoration.occupancy_id, self.occupancy_a)
        self.assertEqual(decoration.worker_ids.mapped("name"), ["Sun Qiang"])
        self.assertEqual(decoration.worker_ids.mapped("id_last_digits"), ["123X"])
        self.assertTrue(decoration.undertaking_accepted)
        self.assertEqual(decoration.area, 45.0)
        self.assertEqual(str(decoration.date_start), "2027-04-01")
        self.assertEqual(str(decoration.date_end), "2027-04-30")
        drawing = decoration.attachment_ids
        self.assertEqual(drawing.mapped("name"), ["living_room_tiles.pdf"])
        self.assertTrue(drawing.raw.startswith(b"%PDF-1.4"))
        self.assertEqual(
            (drawing.res_model, drawing.res_id), ("property.decoration", decoration.id)
        )

        # the staff: engineering reviews (the checklist passes), the
        # supervisor approves: the fees are billed
        decoration.with_user(self.engineer).action_start_review()
        decoration.check_ids.with_user(self.engineer).write({"result": "pass"})
        decoration.with_user(self.supervisor).action_approve()
        self.assertEqual(decoration.state, "fees_due")
        invoices = self._invoices(decoration)
        self.assertEqual(sorted(invoices.mapped("amount_total")), [225.0, 3000.0])
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(invoices.partner_id, self.tenant_a)

        # B. the tenant follows it to the fees and pays them online
        self.start_tour(
            "/my/decorations",
            "property_decoration_portal_pay_tour",
            login="pd_tenant_a",
        )
        self.env.invalidate_all()
        transactions = invoices.transaction_ids
        self.assertEqual(len(transactions), 2)
        self.assertEqual(transactions.provider_id, provider)
        self.assertEqual(set(transactions.mapped("state")), {"done"})
        self.assertEqual(sorted(transactions.mapped("amount")), [225.0, 3000.0])
        self.assertEqual(transactions.partner_id, self.tenant_a)
        for invoice in invoices:
            with self.subTest(invoice=invoice.name):
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))

        # the last fee paid issued the permit, filed in the tenant archive
        self.assertEqual(decoration.state, "permitted")
        self.assertTrue(decoration.permit_date)
        self.assertTrue(decoration.deposit_paid)
        permit = decoration.permit_document_id
        self.assertEqual(permit.occupancy_id, self.occupancy_a)
        self.assertEqual(permit.reference, decoration.name)
        self.assertEqual(len(permit.attachment_ids), 1)
        self.assertTrue(
            permit.attachment_ids.name.startswith(
                f"Decoration Permit {decoration.name}."
            )
        )
        self.assertTrue(permit.attachment_ids.raw)

        # C. the tenant sees the permit step and the link to download it
        self.start_tour(
            "/my", "property_decoration_portal_permit_tour", login="pd_tenant_a"
        )
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        response = self.url_open(f"/my/decorations/{decoration.id}/permit")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        if not response.content.startswith(b"%PDF"):
            # tests render reports as HTML: the permit lists the workers
            self.assertIn(decoration.name, response.text)
            self.assertIn("Sun Qiang", response.text)

    def test_pages_on_a_phone(self):
        decoration = self._decoration()
        self._approve(decoration)
        for url, action in (
            ("/my/decorations", "a.o_property_decoration_apply"),
            ("/my/decorations/new", "button.o_property_decoration_submit"),
            (f"/my/decorations/{decoration.id}", "a.o_property_decoration_pay"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pd_tenant_a", action)
