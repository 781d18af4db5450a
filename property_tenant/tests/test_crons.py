from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestCrons(PropertyTenantCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expiry_type = cls.env.ref(
            "property_tenant.mail_activity_data_document_expiry"
        )
        cls.check_type = cls.env.ref("property_tenant.mail_activity_data_archive_check")
        cls.doc_type_id.expiry_lead_days = 30
        cls.occupancy = cls._active_occupancy(
            cls.unit_1, cls.tenant_a, agent_id=cls.supervisor.id
        )

    def _expiry_activities(self, documents):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "property.document"),
                ("res_id", "in", documents.ids),
                ("activity_type_id", "=", self.expiry_type.id),
            ]
        )

    def test_expiry_reminder_ahead_of_expiry(self):
        with freeze_time("2026-05-01"):
            soon = self._document(
                self.occupancy,
                self.doc_type_id,
                name="ID soon",
                expiry_date=date(2026, 6, 10),
            )
            later = self._document(
                self.occupancy,
                self.doc_type_id,
                name="ID later",
                expiry_date=date(2026, 9, 1),
            )
            no_expiry = self._document(self.occupancy, self.doc_type_contract)
        self.assertEqual(soon.expiry_state, "valid")

        # 20 May: "soon" is 21 days from expiry, within the 30-day lead time
        self.env["property.document"]._cron_document_expiry(date_ref=date(2026, 5, 20))
        self.assertEqual(soon.expiry_state, "expiring")
        self.assertEqual(later.expiry_state, "valid")
        self.assertEqual(no_expiry.expiry_state, "none")
        activity = self._expiry_activities(soon)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor, "the archive's agent")
        self.assertEqual(activity.date_deadline, date(2026, 6, 10))
        self.assertFalse(self._expiry_activities(later | no_expiry))

        # the next day's run does not remind twice
        self.env["property.document"]._cron_document_expiry(date_ref=date(2026, 5, 21))
        self.assertEqual(len(self._expiry_activities(soon)), 1)

        # after expiry the document is expired and leaves the archive
        self.env["property.document"]._cron_document_expiry(date_ref=date(2026, 6, 11))
        self.assertEqual(soon.expiry_state, "expired")
        self.assertEqual(len(self._expiry_activities(soon)), 1)

        # a renewed document (new expiry date) is followed again
        soon.expiry_date = date(2027, 6, 10)
        self.env["property.document"]._cron_document_expiry(date_ref=date(2027, 5, 20))
        self.assertEqual(soon.expiry_state, "expiring")
        self.assertEqual(len(self._expiry_activities(soon)), 2)

    def test_expired_document_lowers_completeness(self):
        requirement = self.env["property.archive.requirement"].create(
            {
                "requirement_type": "document",
                "document_type_id": self.doc_type_id.id,
                "tenant_kind": "resident",
                "company_id": self.company.id,
            }
        )
        with freeze_time("2026-05-01"):
            self._document(
                self.occupancy, self.doc_type_id, expiry_date=date(2026, 6, 10)
            )
        self.assertNotIn(requirement.name, self.occupancy.missing_items or "")
        self.env["property.document"]._cron_document_expiry(date_ref=date(2026, 6, 11))
        self.assertIn(requirement.name, self.occupancy.missing_items)

    def test_reminder_falls_back_to_site_agent(self):
        self.occupancy.agent_id = False
        with freeze_time("2026-05-01"):
            document = self._document(
                self.occupancy, self.doc_type_id, expiry_date=date(2026, 5, 20)
            )
        self.env["property.document"]._cron_document_expiry(date_ref=date(2026, 5, 2))
        self.assertEqual(self._expiry_activities(document).user_id, self.agent)

    def test_archive_check_plan(self):
        self.site.write({"check_interval": 3, "next_check_date": date(2026, 3, 1)})
        Check = self.env["property.archive.check"]
        self.env["property.site"]._cron_plan_archive_checks(date_ref=date(2026, 2, 28))
        self.assertFalse(Check.search([("site_id", "=", self.site.id)]))

        self.env["property.site"]._cron_plan_archive_checks(date_ref=date(2026, 3, 1))
        check = Check.search([("site_id", "=", self.site.id)])
        self.assertEqual(len(check), 1)
        self.assertEqual(check.planned_date, date(2026, 3, 1))
        self.assertEqual(check.user_id, self.agent)
        self.assertEqual(check.activity_ids.activity_type_id, self.check_type)
        self.assertEqual(self.site.next_check_date, date(2026, 6, 1))

        # running again the same day plans nothing new
        self.env["property.site"]._cron_plan_archive_checks(date_ref=date(2026, 3, 1))
        self.assertEqual(Check.search_count([("site_id", "=", self.site.id)]), 1)

        # recording the check needs a result, then snapshots completeness
        with self.assertRaises(UserError):
            check.action_done()
        check.write({"result": "issues", "findings": "<p>Two IDs missing</p>"})
        check.with_user(self.agent).action_done()
        self.assertEqual(check.state, "done")
        self.assertEqual(check.completeness_at_check, self.site.archive_completeness)
        self.assertEqual(check.incomplete_at_check, self.site.incomplete_archive_count)
        self.assertFalse(check.activity_ids)
