"""The tenant portal's home: each card of the suite has its own icon."""

from lxml import html

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalHome(HttpCase):
    def test_every_card_has_its_own_icon(self):
        new_test_user(self.env, login="home_tenant", groups="base.group_portal")
        self.authenticate("home_tenant", "home_tenant")
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        cards = {}
        for card in page.xpath("//*[contains(@class, 'o_portal_index_card')]"):
            title = (card.xpath(".//a/@title") or [""])[0]
            icons = card.xpath(".//*[contains(@class, 'o_portal_icon')]//img/@src")
            if icons:
                cards[title] = icons[0]
        ours = {title: icon for title, icon in cards.items() if "/property_" in icon}
        self.assertGreaterEqual(len(ours), 6, cards)
        self.assertEqual(
            len(set(ours.values())), len(ours), f"cards sharing an icon: {ours}"
        )
        for icon in set(ours.values()):
            self.assertEqual(self.url_open(icon).status_code, 200, icon)
