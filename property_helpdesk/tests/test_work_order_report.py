import base64

from odoo.tests import tagged

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestWorkOrderReport(PropertyHelpdeskCase):
    """R-WO-4: the printed work order, with the QR code that opens it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ticket = cls._ticket(
            summary="Leaking pipe",
            category_id=cls.category_plumbing.id,
            department_id=cls.engineering.id,
        )
        ticket.with_user(cls.agent).action_dispatch()
        cls.work_order = ticket.work_order_ids
        cls.work_order.with_user(cls.plumber).action_start()
        cls.work_order.with_user(cls.plumber).write(
            {
                "work_done": "<p>Replaced the pipe</p>",
                "time_spent": 1.25,
                "materials_used": "1 m copper pipe",
                "signature": cls._signature(),
                "signed_by": "Li Na",
                "satisfaction": "5",
                "customer_comment": "Fast",
            }
        )

    def test_qr_payload_and_image(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        self.assertEqual(
            self.work_order._get_qr_payload(),
            f"{base_url}/odoo/action-property_helpdesk.property_work_order_action/"
            f"{self.work_order.id}",
        )
        data_uri = self.work_order._get_qr_code_data_uri()
        self.assertTrue(data_uri.startswith("data:image/png;base64,"))
        png = base64.b64decode(data_uri.split(",", 1)[1])
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))

    def test_report_html_content(self):
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(
            "property_helpdesk.action_report_work_order", self.work_order.ids
        )
        self.assertEqual(report_type, "html")
        html = html.decode()
        self.assertIn(self.work_order.name, html)
        self.assertIn("Replaced the pipe", html)
        self.assertIn("1 m copper pipe", html)
        self.assertIn("Original: return to the service desk", html)
        self.assertIn("Test Plaza / T-0101", html)
        self.assertIn("Copy: department", html)
        # both copies carry the QR code and the customer's signature
        self.assertEqual(html.count(self.work_order._get_qr_code_data_uri()), 2)
        self.assertEqual(html.count(self.work_order.signature.decode()), 2)

    def test_report_pdf(self):
        # one order per call: the wkhtmltopdf of some machines (unpatched Qt)
        # cannot render several documents at once
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "property_helpdesk.action_report_work_order", self.work_order.ids
            )
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_report_printable_by_the_technician(self):
        report = self.env.ref("property_helpdesk.action_report_work_order")
        self.assertEqual(report.binding_model_id.model, "property.work.order")
        pdf, __ = (
            self.env["ir.actions.report"]
            .with_user(self.plumber)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, self.work_order.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(
            report.with_context(lang="en_US").print_report_name,
            "'Work Order - %s' % object.name",
        )
