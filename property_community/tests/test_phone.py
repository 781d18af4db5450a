from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.phone import PhoneCase

from .test_event_portal import EventPortalCase
from .test_notice_portal import NoticePortalCase


@tagged("post_install", "-at_install")
class TestNoticesOnAPhone(PhoneCase, HttpCase, NoticePortalCase):
    """Notices and satisfaction surveys read on a phone (390 px)."""

    def test_notice_pages_on_a_phone(self):
        for url, main_action in (
            ("/my/notices", "a[href^='/my/notices/']"),
            (f"/my/notices/{self.a_notice.id}", "a[href*='/files/']"),
            ("/my/satisfaction", ".o_property_survey_answer"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pc_tenant_a1", main_action)


@tagged("post_install", "-at_install")
class TestEventsOnAPhone(PhoneCase, HttpCase, EventPortalCase):
    """Community events read on a phone (390 px), "Register" on screen."""

    def test_event_pages_on_a_phone(self):
        for url, main_action in (
            ("/my/events", "a[href^='/my/events/']"),
            (f"/my/events/{self.event.id}", ".o_property_event_register_submit"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pce_tenant_a", main_action)
