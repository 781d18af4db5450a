from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS

from .common_notice import PropertyNoticeCase

NOW = datetime(2026, 3, 10, 9, 0)


@tagged("post_install", "-at_install")
class TestNotice(PropertyNoticeCase):
    # ------------------------------------------------------------------
    # audience
    # ------------------------------------------------------------------
    def test_every_tenant_kind_has_a_checkbox(self):
        Notice = self.env["property.notice"]
        for kind, _label in TENANT_KINDS:
            self.assertIn(f"tenant_kind_{kind}", Notice._fields, kind)

    def test_audience_site_buildings_and_kinds(self):
        whole_site = self._notice()
        self.assertEqual(
            whole_site._audience_partners(),
            self.tenant_a1 | self.tenant_a2 | self.tenant_noemail | self.tenant_b,
            "the active tenants of the site, not the one who moved out, not "
            "the other site",
        )
        self.assertEqual(whole_site.audience_count, 4)
        building_a = self._notice(building_ids=[Command.set(self.building_a.ids)])
        self.assertEqual(
            building_a._audience_partners(),
            self.tenant_a1 | self.tenant_a2 | self.tenant_noemail,
        )
        residents = self._notice(tenant_kind_anchor=False, tenant_kind_small=False)
        self.assertEqual(
            residents._audience_partners(),
            self.tenant_a1 | self.tenant_noemail | self.tenant_b,
        )
        residents_of_b = self._notice(
            building_ids=[Command.set(self.building_b.ids)],
            tenant_kind_anchor=False,
            tenant_kind_small=False,
        )
        self.assertEqual(residents_of_b._audience_partners(), self.tenant_b)
        other_site = self._notice(site_id=self.site2.id)
        self.assertEqual(other_site._audience_partners(), self.tenant_s2)

    def test_building_of_another_site_is_refused(self):
        with self.assertRaises(ValidationError):
            self._notice(building_ids=[Command.set(self.building_s2.ids)])

    def test_notices_addressed_to_a_partner(self):
        """The search behind the portal: each tenant finds exactly the
        notices of their site, building and kind."""
        whole_site = self._published("whole site")
        only_a = self._published(
            "only A", building_ids=[Command.set(self.building_a.ids)]
        )
        only_b = self._published(
            "only B", building_ids=[Command.set(self.building_b.ids)]
        )
        anchors = self._published(
            "anchors", tenant_kind_small=False, tenant_kind_resident=False
        )
        other = self._published("other site", site_id=self.site2.id)
        ours = whole_site | only_a | only_b | anchors | other
        Notice = self.env["property.notice"]

        def addressed(partner):
            return Notice.search(
                Notice._audience_domain_for_partners(partner.ids)
                + [("id", "in", ours.ids)]
            )

        self.assertEqual(addressed(self.tenant_a1), whole_site | only_a)
        self.assertEqual(addressed(self.tenant_a2), whole_site | only_a | anchors)
        self.assertEqual(addressed(self.tenant_b), whole_site | only_b)
        self.assertEqual(addressed(self.tenant_s2), other)
        self.assertFalse(addressed(self.tenant_gone), "moved out: nothing")
        # a contact of a company tenant reads the company's notices
        contact = self.env["res.partner"].create(
            {"name": "Store clerk", "parent_id": self.tenant_a2.id}
        )
        self.assertEqual(addressed(contact), whole_site | only_a | anchors)

    # ------------------------------------------------------------------
    # window and bad input
    # ------------------------------------------------------------------
    def test_window_ending_before_it_starts(self):
        with self.assertRaises(ValidationError):
            self._notice(
                publish_from=datetime(2026, 3, 10, 9, 0),
                publish_to=datetime(2026, 3, 9, 9, 0),
            )
        with self.assertRaises(ValidationError):
            self._notice(
                publish_from=datetime(2026, 3, 10, 9, 0),
                publish_to=datetime(2026, 3, 10, 9, 0),
            )
        notice = self._notice(publish_from=datetime(2026, 3, 10, 9, 0))
        with self.assertRaises(ValidationError):
            notice.publish_to = datetime(2026, 3, 1)

    @freeze_time(NOW)
    def test_publish_needs_an_audience(self):
        no_site = self._notice(site_id=False)
        with self.assertRaisesRegex(UserError, "no audience"):
            no_site.action_publish()
        no_kind = self._notice(
            tenant_kind_anchor=False,
            tenant_kind_small=False,
            tenant_kind_resident=False,
        )
        with self.assertRaisesRegex(UserError, "no kind of tenant"):
            no_kind.action_publish()
        nobody = self._notice(
            building_ids=[Command.set(self.building_b.ids)],
            tenant_kind_resident=False,
            tenant_kind_anchor=False,
        )  # only the small merchant of B, who moved out
        with self.assertRaisesRegex(UserError, "No active tenant"):
            nobody.action_publish()
        over = self._notice(
            publish_from=datetime(2026, 3, 1), publish_to=datetime(2026, 3, 5)
        )
        with self.assertRaisesRegex(UserError, "already be over"):
            over.action_publish()
        for notice in no_site | no_kind | nobody | over:
            self.assertEqual(notice.state, "draft")
            self.assertFalse(self._queued(notice))

    # ------------------------------------------------------------------
    # publication and the mail queue
    # ------------------------------------------------------------------
    @freeze_time(NOW)
    def test_publish_queues_one_mail_per_tenant(self):
        notice = self._notice("Water cut", important=True)
        messages_before = len(notice.message_ids)
        notice.action_publish()
        self.assertEqual(notice.state, "published")
        self.assertEqual(notice.publish_from, NOW)
        mails = self._queued(notice)
        # 4 tenants addressed, one without e-mail address
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(
            self._addressees(mails),
            self._formatted(self.tenant_a1 | self.tenant_a2 | self.tenant_b),
        )
        self.assertEqual(len(mails.mail_message_id), 1, "one shared message")
        self.assertEqual(mails[0].subject, "Water cut")
        self.assertIn("Water cut: body", mails[0].body_html)
        self.assertIn(f"/my/notices/{notice.id}", mails[0].body_html)
        self.assertFalse(any(mails.mapped("scheduled_date")))
        self.assertEqual(notice.mailed_count, 3)
        self.assertEqual(
            notice.mailed_partner_ids, self.tenant_a1 | self.tenant_a2 | self.tenant_b
        )
        # the chatter has a few messages, not one per recipient
        self.assertLessEqual(len(notice.message_ids) - messages_before, 2)
        note = notice.message_ids.filtered(lambda m: "queued" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("3 e-mail(s) queued", note.body)
        self.assertIn("1 tenant(s) have no e-mail address", note.body)
        self.assertFalse(note.partner_ids)

    @freeze_time(NOW)
    def test_publishing_twice_sends_no_duplicate(self):
        notice = self._notice(building_ids=[Command.set(self.building_a.ids)])
        notice.action_publish()
        self.assertEqual(len(self._queued(notice)), 2)
        with self.assertRaisesRegex(UserError, "Only draft notices"):
            notice.action_publish()
        self.assertEqual(len(notice._queue_mails()), 0)
        notice.action_reset_to_draft()
        notice.action_publish()
        self.assertEqual(len(self._queued(notice)), 2, "nobody is mailed twice")
        # widened to the whole site: only the new tenant is mailed
        notice.action_reset_to_draft()
        notice.building_ids = False
        notice.action_publish()
        mails = self._queued(notice)
        self.assertEqual(len(mails), 3)
        self.assertEqual(
            self._addressees(mails),
            self._formatted(self.tenant_a1 | self.tenant_a2 | self.tenant_b),
        )
        self.assertEqual(notice.mailed_count, 3)

    @freeze_time(NOW)
    def test_future_publication_is_scheduled(self):
        start = datetime(2026, 3, 12, 7, 0)
        notice = self._notice(publish_from=start)
        notice.action_publish()
        mails = self._queued(notice)
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("scheduled_date")), {start})
        self.assertFalse(notice._is_on_portal())
        self.assertTrue(notice._is_on_portal(datetime(2026, 3, 12, 7, 0)))

    @freeze_time(NOW)
    def test_mails_are_queued_in_batches(self):
        notice = self._notice()
        mails = notice._queue_mails(batch_size=2)
        self.assertEqual(len(mails), 3)
        self.assertEqual(len(mails.mail_message_id), 1)

    def test_end_reset_and_expiry(self):
        with freeze_time(NOW):
            notice = self._notice(publish_to=datetime(2026, 3, 20))
            notice.action_publish()
            kept = self._notice("open-ended")
            kept.action_publish()
        Notice = self.env["property.notice"]
        self.assertFalse(
            Notice._cron_expire_notices(date_ref=datetime(2026, 3, 19, 23, 59)) & notice
        )
        self.assertEqual(notice.state, "published")
        expired = Notice._cron_expire_notices(date_ref=datetime(2026, 3, 20))
        self.assertIn(notice, expired)
        self.assertNotIn(kept, expired)
        self.assertEqual(notice.state, "expired")
        with freeze_time(datetime(2026, 3, 21)):
            kept.action_end()
        self.assertEqual(kept.state, "expired")
        self.assertEqual(kept.publish_to, datetime(2026, 3, 21))
        with self.assertRaises(UserError):
            kept.action_end()
        kept.action_reset_to_draft()
        self.assertEqual(kept.state, "draft")
        with self.assertRaises(UserError):
            kept.action_reset_to_draft()

    def test_published_notice_is_not_deleted(self):
        draft = self._notice()
        published = self._published()
        with self.assertRaisesRegex(UserError, "Archive it"):
            published.with_user(self.officer).unlink()
        draft.with_user(self.officer).unlink()
        self.assertFalse(draft.exists())
        published.with_user(self.officer).action_archive()
        self.assertFalse(published.active)

    # ------------------------------------------------------------------
    # read receipts
    # ------------------------------------------------------------------
    def test_read_receipts(self):
        notice = self._published(important=True)
        self.assertEqual(notice.read_count, 0)
        self.assertEqual(notice.unread_count, 4)
        receipt = notice._mark_read(self.tenant_a1)
        self.assertRecordValues(
            receipt,
            [{"partner_id": self.tenant_a1.id, "reader_id": self.tenant_a1.id}],
        )
        self.assertEqual(notice._mark_read(self.tenant_a1), receipt, "once")
        # a contact of the company tenant reads it for the company
        clerk = self.env["res.partner"].create(
            {"name": "Clerk", "parent_id": self.tenant_a2.id}
        )
        notice._mark_read(clerk)
        self.assertEqual(notice.read_ids.partner_id, self.tenant_a1 | self.tenant_a2)
        self.assertEqual(notice.read_ids.reader_id, self.tenant_a1 | clerk)
        notice.invalidate_recordset(["read_count", "unread_count"])
        self.assertEqual(notice.read_count, 2)
        self.assertEqual(notice.unread_count, 2)
        self.assertEqual(notice._unread_partners(), self.tenant_noemail | self.tenant_b)
        action = notice.with_user(self.officer).action_view_unread()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.tenant_noemail | self.tenant_b,
        )
        # an ordinary notice records no receipt
        plain = self._published()
        self.assertFalse(plain._mark_read(self.tenant_a1))
        self.assertFalse(plain.read_ids)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------
    def test_access_rights(self):
        notice = self._published(building_ids=[Command.set(self.building_b.ids)])
        draft = self._notice("draft for A")
        # a service agent without the community role has no access
        with self.assertRaises(AccessError):
            self.env["property.notice"].with_user(self.agent).search([])
        # the officer reads the read receipts, nobody writes them by hand
        with self.assertRaises(AccessError):
            self.env["property.notice.read"].with_user(self.officer).create(
                {"notice_id": notice.id, "partner_id": self.tenant_b.id}
            )
        # portal: only the published notices addressed to them
        as_b = self.env["property.notice"].with_user(self.portal_b)
        self.assertIn(notice, as_b.search([]))
        as_a = self.env["property.notice"].with_user(self.portal_a1)
        self.assertNotIn(notice, as_a.search([]))
        self.assertNotIn(draft, as_a.search([]))
        with self.assertRaises(AccessError):
            notice.with_user(self.portal_a1).read(["name"])
        with self.assertRaises(AccessError):
            notice.with_user(self.portal_b).write({"name": "hacked"})
