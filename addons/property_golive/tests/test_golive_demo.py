"""The demo's go-live site (万家花园, WH, created by the demo's import) is a
site the daily jobs can work on: its late payers are dunned like those of
the other demo site, with nobody's bill failing for want of a signatory."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGoliveDemo(TransactionCase):
    def test_demo_site_is_dunned_without_failures(self):
        """The demo (a data file, installed with the suite's demo data: this
        test is about it) gives WH a manager and a billing manager; the
        dunning run then escalates its overdue opening bills, none failed.
        Without them every one failed, every day ("Site has no billing
        manager or project manager to sign its dunning")."""
        site = self.env["property.site"].search(
            [("code", "=", "WH"), ("company_id", "=", self.env.company.id)]
        )
        self.assertEqual(len(site), 1, "the demo's go-live created WH")
        self.assertTrue(site._dunning_supervisor())
        self.assertTrue(site._dunning_collector())
        bills = self.env["account.move"].search(
            [
                ("property_site_id", "=", site.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        self.assertTrue(bills, "the demo's arrears of WH are open")
        last_due = max(bills.mapped("invoice_date_due"))
        Dunning = self.env["property.dunning"]
        Dunning._cron_dunning(date_ref=last_due.replace(year=last_due.year + 1))
        steps = Dunning.search([("invoice_id", "in", bills.ids)])
        self.assertEqual(
            steps.invoice_id,
            bills.filtered(lambda bill: bill.invoice_line_ids.property_occupancy_id),
            "every overdue bill of a tenant archive is dunned",
        )
        self.assertEqual(set(steps.mapped("state")), {"done"}, steps.mapped("error"))
