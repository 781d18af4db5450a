import re
from datetime import date, datetime
from urllib.parse import urlencode

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..utils import qr_code_data_uri
from .common import PropertyHelpdeskCase


class ScanCase(PropertyHelpdeskCase):
    """A building of the test site with units and public spots, and a second
    site with its own tenant and spot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tower = cls.env["property.building"].create(
            {"name": "Tower A", "code": "TA", "site_id": cls.site.id}
        )
        (cls.unit_a | cls.unit_b).building_id = cls.tower
        Spot = cls.env["property.spot"]
        cls.lift, cls.lobby = Spot.create(
            [
                {
                    "name": "Lift 2",
                    "kind": "lift",
                    "code": "TA-L2",
                    "site_id": cls.site.id,
                    "building_id": cls.tower.id,
                },
                {
                    "name": "Lobby",
                    "kind": "lobby",
                    "code": "TA-LOB",
                    "site_id": cls.site.id,
                    "building_id": cls.tower.id,
                },
            ]
        )
        # another site, another tenant: nothing of it reaches tenant A
        cls.site_2 = cls.env["property.site"].create(
            {"name": "Riverside", "code": "TRS"}
        )
        cls.unit_c = cls.env["property.unit"].create(
            {"code": "R-0101", "site_id": cls.site_2.id, "area": 70, "usage": "home"}
        )
        cls.portal_c = new_test_user(
            cls.env,
            login="ph_tenant_c",
            groups="base.group_portal",
            name="Zhao Min",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        occupancy_c = cls.env["property.occupancy"].create(
            {
                "unit_id": cls.unit_c.id,
                "tenant_id": cls.portal_c.partner_id.id,
                "move_in_date": date(2026, 1, 1),
            }
        )
        occupancy_c.action_activate()
        cls.garden_2 = Spot.create(
            {"name": "Secret Garden", "kind": "garden", "site_id": cls.site_2.id}
        )


@tagged("post_install", "-at_install")
class TestScanLabels(ScanCase):
    """The label sheet of a building or a site, and the items of a spot."""

    def test_qr_of_a_place_encodes_its_scan_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for place in (self.unit_a, self.lift):
            url = place._get_scan_url()
            self.assertEqual(url, f"{base_url}/property/scan/{place.scan_token}")
            self.assertEqual(place._get_scan_qr_data_uri(), qr_code_data_uri(url))

    def test_qr_code_data_uri_is_a_png(self):
        uri = qr_code_data_uri("https://example.com/property/scan/abc")
        self.assertTrue(uri.startswith("data:image/png;base64,iVBORw0KGgo"))
        self.assertNotEqual(uri, qr_code_data_uri("https://example.com/other"))

    def _labels_html(self, report, records):
        html, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.agent)
            ._render_qweb_html(report, records.ids)
        )
        self.assertEqual(report_type, "html")
        return html.decode()

    def test_building_sheet_one_label_per_place(self):
        html = self._labels_html(
            "property_helpdesk.action_report_scan_labels_building", self.tower
        )
        self.assertEqual(html.count('class="o_property_scan_label"'), 4)
        self.assertEqual(html.count("Scan to report a problem"), 4)
        for place in (self.unit_a, self.unit_b, self.lift, self.lobby):
            self.assertEqual(html.count(place._get_scan_qr_data_uri()), 1)
            self.assertIn(place.code, html)
        self.assertIn("Lift 2", html)
        # nothing of the other site
        self.assertNotIn("Secret Garden", html)
        self.assertNotIn(self.garden_2._get_scan_qr_data_uri(), html)

    def test_site_sheet_and_revoked_label(self):
        old_uri = self.lift._get_scan_qr_data_uri()
        self.lift.with_user(self.agent).action_regenerate_scan_token()
        html = self._labels_html(
            "property_helpdesk.action_report_scan_labels_site", self.site
        )
        self.assertEqual(html.count('class="o_property_scan_label"'), 4)
        self.assertNotIn(old_uri, html)
        self.assertIn(self.lift._get_scan_qr_data_uri(), html)

    def test_building_sheet_pdf(self):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "property_helpdesk.action_report_scan_labels_building", self.tower.ids
            )
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_labels_printable_from_building_and_site(self):
        for xmlid, model in (
            ("action_report_scan_labels_building", "property.building"),
            ("action_report_scan_labels_site", "property.site"),
        ):
            report = self.env.ref(f"property_helpdesk.{xmlid}")
            self.assertEqual(report.binding_model_id.model, model)

    def test_spot_item_belongs_to_the_spot_site(self):
        ticket = self._ticket(
            "complaint", unit=self.unit_a, spot_id=self.lift.id, summary="Lift noisy"
        )
        self.assertEqual(ticket.spot_id, self.lift)
        with self.assertRaisesRegex(ValidationError, "not part of site"):
            self._ticket(
                site_id=self.site_2.id,
                unit=self.unit_c,
                spot_id=self.lift.id,
                summary="Wrong site",
            )
        with self.assertRaisesRegex(ValidationError, "not part of site"):
            ticket.with_user(self.agent).spot_id = self.garden_2

    def test_onchange_spot_fills_the_site(self):
        form_ticket = (
            self.env["property.ticket"]
            .with_user(self.agent)
            .new({"spot_id": self.garden_2.id})
        )
        form_ticket._onchange_spot_id()
        self.assertEqual(form_ticket.site_id, self.site_2)

    def test_spot_items_count_in_site_figures_and_on_the_spot(self):
        received = datetime(2026, 3, 10, 9, 0)
        ticket = (
            self.env["property.ticket"]
            .with_user(self.agent)
            .create(
                {
                    "kind": "complaint",
                    "channel": "patrol",
                    "site_id": self.site.id,
                    "spot_id": self.lobby.id,
                    "summary": "Lobby floor slippery",
                    "received_at": received,
                }
            )
        )
        kpis = self.env["property.helpdesk.kpi"].compute_kpis(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        behind = self.env["property.ticket"].search(
            kpis["complaint_handling"]["domain"]
        )
        self.assertIn(ticket, behind)
        self.assertEqual(kpis["complaint_handling"]["denominator"], 1)
        lobby = self.lobby.with_user(self.agent)
        self.assertEqual(lobby.ticket_count, 1)
        self.assertEqual(lobby.ticket_ids, ticket)
        action = lobby.action_view_tickets()
        self.assertEqual(self.env["property.ticket"].search(action["domain"]), ticket)
        self.assertEqual(action["context"]["default_site_id"], self.site.id)
        # the printed work order says where the work is
        ticket.write({"kind": "service", "category_id": self.category_plumbing.id})
        ticket.write({"department_id": self.engineering.id})
        ticket.with_user(self.agent).action_dispatch()
        self.assertEqual(
            ticket.work_order_ids._get_report_location(), "Test Plaza / Tower A / Lobby"
        )

    def test_patrol_action_defaults(self):
        for place, key in (
            (self.lift, "default_spot_id"),
            (self.unit_a, "default_unit_id"),
        ):
            action_xmlid = (
                f"property_helpdesk.{place._name.replace('.', '_')}"
                "_action_new_patrol_item"
            )
            server_action = self.env.ref(action_xmlid).with_user(self.agent)
            result = server_action.with_context(active_id=place.id).run()
            self.assertEqual(result["res_model"], "property.ticket")
            self.assertEqual(result["views"], [(False, "form")])
            context = result["context"]
            self.assertEqual(context["default_channel"], "patrol")
            self.assertEqual(context["default_site_id"], self.site.id)
            self.assertEqual(context[key], place.id)
            ticket = (
                self.env["property.ticket"]
                .with_user(self.agent)
                .with_context(**context)
                .create({"summary": "Found on patrol"})
            )
            self.assertEqual(ticket.channel, "patrol")
            self.assertEqual(ticket.site_id, self.site)
            self.assertEqual(ticket[key.removeprefix("default_")], place)


@tagged("post_install", "-at_install")
class TestScanRoute(HttpCase, ScanCase):
    """/property/scan/<token> for every role, and the portal form it leads
    to: a tenant only ever gets their own places."""

    def _scan(self, place, token=None):
        response = self.url_open(
            f"/property/scan/{token or place.scan_token}", allow_redirects=False
        )
        return response

    def _location(self, response):
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        return response.headers["Location"].removeprefix(self.base_url())

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        return page, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def test_anonymous_goes_to_login(self):
        response = self._scan(self.lift)
        redirect = urlencode({"redirect": f"/property/scan/{self.lift.scan_token}"})
        self.assertEqual(self._location(response), f"/web/login?{redirect}")

    def test_unknown_revoked_or_archived_token_is_404(self):
        self.authenticate("ph_agent", "ph_agent")
        self.assertEqual(
            self._scan(self.lift, token="not-a-real-token").status_code, 404
        )
        old = self.lift.scan_token
        self.lift.action_regenerate_scan_token()
        self.assertEqual(self._scan(self.lift, token=old).status_code, 404)
        self.lobby.active = False
        self.assertEqual(self._scan(self.lobby).status_code, 404)
        self.authenticate(None, None)
        self.assertEqual(self._scan(self.lift, token=old).status_code, 404)

    def test_tenant_of_the_unit_gets_it_prefilled(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        location = self._location(self._scan(self.unit_a))
        self.assertEqual(location, f"/my/requests/new?unit_id={self.unit_a.id}")
        page = self.url_open(location)
        self.assertEqual(page.status_code, 200)
        self.assertRegex(page.text, rf'value="{self.unit_a.id}"\s+selected="selected"')

    def test_tenant_of_another_unit_gets_nothing_of_it(self):
        # tenant A has two units, so nothing is preselected by default
        unit_a2 = self.env["property.unit"].create(
            {"code": "T-0109", "site_id": self.site.id, "area": 50, "usage": "home"}
        )
        occupancy = self.env["property.occupancy"].create(
            {
                "unit_id": unit_a2.id,
                "tenant_id": self.tenant_a.id,
                "move_in_date": date(2026, 1, 1),
            }
        )
        occupancy.action_activate()
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        location = self._location(self._scan(self.unit_b))
        self.assertEqual(location, "/my/requests/new")
        # nor by tampering with the address
        for url in (location, f"/my/requests/new?unit_id={self.unit_b.id}"):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("T-0102", page.text)
            self.assertNotIn("Wang Lei", page.text)
            self.assertNotRegex(page.text, r'value="\d+"\s+selected="selected"')

    def test_tenant_scanning_a_spot_of_their_site(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        location = self._location(self._scan(self.lift))
        self.assertEqual(location, f"/my/requests/new?spot_id={self.lift.id}")
        page, csrf = self._csrf(location)
        self.assertIn("Place:", page.text)
        self.assertIn("Lift 2, Tower A", page.text)
        self.assertIn(f'name="spot_id" value="{self.lift.id}"', page.text)
        self.assertNotIn('name="unit_id"', page.text)
        response = self.url_open(
            "/my/requests/new",
            data={
                "csrf_token": csrf,
                "kind": "service",
                "spot_id": str(self.lift.id),
                "summary": "Lift 2 button broken",
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Lift 2 button broken")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.spot_id, self.lift)
        self.assertEqual(ticket.site_id, self.site)
        self.assertFalse(ticket.unit_id)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.tenant_a)
        self.assertIn(f"/my/requests/{ticket.id}", response.url)
        self.assertIn("Lift 2, Tower A", response.text)

    def test_tenant_scanning_a_spot_of_another_site(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        location = self._location(self._scan(self.garden_2))
        self.assertEqual(location, "/my/requests/new")
        page = self.url_open(f"/my/requests/new?spot_id={self.garden_2.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Secret Garden", page.text)
        self.assertNotIn('name="spot_id"', page.text)

    def test_posting_a_foreign_spot_is_refused(self):
        self.authenticate("ph_tenant_a", "ph_tenant_a")
        __, csrf = self._csrf("/my/requests/new")
        for spot_id in (str(self.garden_2.id), "999999", "x"):
            response = self.url_open(
                "/my/requests/new",
                data={
                    "csrf_token": csrf,
                    "kind": "service",
                    "unit_id": str(self.unit_a.id),
                    "spot_id": spot_id,
                    "summary": "IDOR spot",
                },
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("This place is not at one of your sites.", response.text)
            self.assertNotIn("Secret Garden", response.text)
        self.assertFalse(
            self.env["property.ticket"].search([("summary", "=", "IDOR spot")])
        )

    def test_staff_lands_on_a_new_patrol_item(self):
        self.authenticate("ph_agent", "ph_agent")
        for place, action in (
            (self.lift, "property_spot_action_new_patrol_item"),
            (self.unit_a, "property_unit_action_new_patrol_item"),
        ):
            location = self._location(self._scan(place))
            self.assertEqual(
                location, f"/odoo/{place.id}/action-property_helpdesk.{action}"
            )
        # what the web client does with that address
        loaded = self.make_jsonrpc_request(
            "/web/action/load",
            {"action_id": "property_helpdesk.property_spot_action_new_patrol_item"},
        )
        result = self.make_jsonrpc_request(
            "/web/action/run",
            {"action_id": loaded["id"], "context": {"active_id": self.lift.id}},
        )
        self.assertEqual(result["res_model"], "property.ticket")
        self.assertEqual(result["context"]["default_spot_id"], self.lift.id)
        self.assertEqual(result["context"]["default_channel"], "patrol")

    def test_staff_patrol_tour(self):
        self.start_tour(
            f"/property/scan/{self.lift.scan_token}",
            "property_helpdesk_scan_patrol_tour",
            login="ph_agent",
        )
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Tour: lift light flickers")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "patrol")
        self.assertEqual(ticket.spot_id, self.lift)
        self.assertEqual(ticket.site_id, self.site)

    def test_department_staff_register_what_they_find_on_patrol(self):
        """A technician or guard on patrol registers what they find (issue
        12 changed this: department staff could not register any item);
        only patrol items, and they see it afterwards."""
        self.authenticate("ph_plumber", "ph_plumber")
        response = self._scan(self.lift)
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            "property_spot_action_new_patrol_item", response.headers["Location"]
        )
        Ticket = self.env["property.ticket"].with_user(self.plumber)
        action = self.lift.with_user(self.plumber)._action_new_patrol_item()
        view = self.env.ref("property_helpdesk.property_ticket_view_form_patrol")
        self.assertEqual(action["views"], [(view.id, "form")])
        form = Form(Ticket.with_context(**action["context"]), view=view)
        form.summary = "Lift button lamp broken"
        ticket = form.save()
        self.assertEqual((ticket.channel, ticket.spot_id), ("patrol", self.lift))
        self.assertEqual(ticket.received_by_id, self.plumber)
        with self.assertRaises(AccessError):
            Ticket.create(
                {
                    "channel": "phone",
                    "site_id": self.site.id,
                    "summary": "Not a patrol finding",
                }
            )
        with self.assertRaises(AccessError):
            ticket.write({"summary": "Changed afterwards"})


@tagged("post_install", "-at_install")
class TestScanPhone(HttpCase, ScanCase):
    """A tenant scans a label with a phone (390 px wide): the form with the
    place filled in reads without sideways scrolling, Send on screen."""

    browser_size = "390x844"
    touch_enabled = True

    def test_portal_spot_form_at_390px(self):
        self.start_tour(
            f"/property/scan/{self.lift.scan_token}",
            "property_helpdesk_scan_portal_tour",
            login="ph_tenant_a",
        )
        ticket = self.env["property.ticket"].search(
            [("summary", "=", "Tour: lobby door stuck")]
        )
        self.assertEqual(ticket.spot_id, self.lift)
        self.assertEqual(ticket.partner_id, self.tenant_a)
