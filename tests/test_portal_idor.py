"""Every route of the suite that takes a record id is guarded (IDOR).

The routes are read from the running registry, not listed by hand: every
route of the suite's modules whose URL carries a record id (an ``int``
converter other than the pager's ``page``, or a ``model`` converter) must
have its probe in ``PROBES``, and every probe must still be such a route.
A new route therefore cannot ship without its IDOR check.

A probe builds the URL of tenant B's record (site 2, built in
``setUpClass``) and says how it is requested: ``GET``, a ``POST`` form with
the CSRF token, or a JSON-RPC call (``type="json"`` routes). Then:

- tenant A (site 1) is refused: 404 (or 403), or a JSON-RPC error, the
  answer holds nothing of B's record and a POST changes nothing; so is A
  on a nested route with A's own record as the parent of B's; so is B's
  neighbour at site 2 on B's own records (not on what is published to
  the whole site: notices, events, shared costs, disclosures);
- the owner (tenant B, or the back-office role of a staff route) gets 200
  for the same GET, with the record in it, and the owner's POST does
  change the record: the refusal is the guard at work, not a wrong URL;
- a visitor who is not logged in is sent to the login page or refused.
"""

import base64
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.property_billing.billing import add_months, month_end

# the controllers of the suite's modules live in these packages
SUITE_PACKAGE = "odoo.addons.property_"
# an argument of a werkzeug rule: <converter(arguments):name> or <name>
ARGUMENT_RE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
RECORD_CONVERTERS = ("int", "model", "models")
PAGER_ARGUMENT = "page"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
XLSX_MAGIC = b"PK\x03\x04"
# a 1x1 PNG: B's photo and the signatures
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAFUok9bAAAAAElFTkSuQmCC"
)
SIGNATURE = base64.b64encode(PNG).decode()
LEASE_B = b"%PDF-1.4 IDOR lease of tenant B"
NOTICE_FILE_B = b"IDOR water cut timetable of Court Two"


def record_routes(env):
    """{rule: routing} of the suite's routes that take a record id."""
    # routing_map() reads the database from the current thread, which the
    # test runner may not have named (pytest-odoo)
    thread = threading.current_thread()
    with patch.object(thread, "dbname", env.cr.dbname, create=True):
        rules = list(env["ir.http"].routing_map().iter_rules())
    routes = {}
    for rule in rules:
        endpoint = rule.endpoint
        function = getattr(endpoint, "original_endpoint", None) or getattr(
            endpoint, "func", None
        )
        if not getattr(function, "__module__", "").startswith(SUITE_PACKAGE):
            continue
        if any(
            converter in RECORD_CONVERTERS and name != PAGER_ARGUMENT
            for converter, name in ARGUMENT_RE.findall(rule.rule)
        ):
            routes[rule.rule] = endpoint.routing
    return routes


def route_method(routing):
    """How a route is requested: JSON, POST or GET."""
    if routing["type"] == "json":
        return "JSON"
    methods = set(routing.get("methods") or ()) - {"OPTIONS"}
    return "POST" if methods == {"POST"} else "GET"


def _as_bytes(values):
    values = values if isinstance(values, tuple) else (values,)
    return tuple(v if isinstance(v, bytes) else v.encode() for v in values)


@dataclass(frozen=True)
class Probe:
    """How one route reaches tenant B's record; ``w`` is the test class
    (its fixture)."""

    method: str  # "GET", "POST" (form with csrf_token) or "JSON" (JSON-RPC)
    url: Callable  # the URL of B's record
    secret: Callable  # text (or tuple) of B's record no refusal may hold
    params: Callable = lambda w: {}  # the form / JSON-RPC parameters
    proof: Callable | None = None  # in the owner's GET answer (default: secret)
    state: Callable | None = None  # B's record as it stands (POST and JSON)
    # (URL of A's own record, the rest of the URL to B's record under it)
    crossed: Callable | None = None
    owners: tuple = ("tenant_b",)
    refused: tuple = ("tenant_a", "neighbour")


# published to the whole site: B's neighbour reads it too
SITE_WIDE = {"owners": ("tenant_b", "neighbour"), "refused": ("tenant_a",)}

PROBES = {
    # property_tenant: the tenant archive
    "/my/units/<int:occupancy_id>": Probe(
        "GET",
        lambda w: f"/my/units/{w.occupancy_b.id}",
        secret=lambda w: w.unit_b.code,
    ),
    "/my/units/<int:occupancy_id>/document/<int:document_id>"
    "/file/<int:attachment_id>": Probe(
        "GET",
        lambda w: (
            f"/my/units/{w.occupancy_b.id}/document/{w.document_b.id}"
            f"/file/{w.document_b.attachment_ids.id}"
        ),
        secret=lambda w: LEASE_B,
        crossed=lambda w: (
            f"/my/units/{w.occupancy_a.id}",
            f"/document/{w.document_b.id}/file/{w.document_b.attachment_ids.id}",
        ),
    ),
    # property_helpdesk: requests, work orders, parcels
    "/my/requests/<int:ticket_id>": Probe(
        "GET",
        lambda w: f"/my/requests/{w.ticket_b.id}",
        secret=lambda w: (w.ticket_b.name, w.ticket_b.summary),
    ),
    "/my/requests/<int:ticket_id>/photos/<int:photo_id>": Probe(
        "GET",
        lambda w: f"/my/requests/{w.ticket_b.id}/photos/{w.photo_b.id}",
        secret=lambda w: PNG,
        crossed=lambda w: (f"/my/requests/{w.ticket_a.id}", f"/photos/{w.photo_b.id}"),
    ),
    "/my/requests/<int:ticket_id>/callback/<int:callback_id>": Probe(
        "POST",
        lambda w: f"/my/requests/{w.ticket_b_done.id}/callback/{w.callback_b.id}",
        secret=lambda w: w.ticket_b_done.summary,
        params=lambda w: {"satisfaction": "5", "comment": "IDOR all good"},
        state=lambda w: (w.callback_b.state, w.callback_b.satisfaction),
        crossed=lambda w: (
            f"/my/requests/{w.ticket_a.id}",
            f"/callback/{w.callback_b.id}",
        ),
    ),
    "/my/work-orders/<int:wo_id>": Probe(
        "GET",
        lambda w: f"/my/work-orders/{w.wo_b.id}",
        secret=lambda w: (w.wo_b.name, w.ticket_b.summary),
    ),
    "/my/work-orders/<int:wo_id>/rate": Probe(
        "POST",
        lambda w: f"/my/work-orders/{w.wo_b.id}/rate",
        secret=lambda w: (w.wo_b.name, w.ticket_b.summary),
        params=lambda w: {"satisfaction": "2", "comment": "IDOR sloppy"},
        state=lambda w: (w.wo_b.satisfaction, w.wo_b.customer_comment),
    ),
    "/my/work-orders/<int:wo_id>/sign": Probe(
        "JSON",
        lambda w: f"/my/work-orders/{w.wo_b.id}/sign",
        secret=lambda w: (w.wo_b.name, w.ticket_b.summary),
        params=lambda w: {"name": "IDOR Signer", "signature": SIGNATURE},
        state=lambda w: (bool(w.wo_b.signature), w.wo_b.signed_by),
    ),
    "/my/parcels/authorizations/<int:authorization_id>/revoke": Probe(
        "POST",
        lambda w: f"/my/parcels/authorizations/{w.authorization_b.id}/revoke",
        secret=lambda w: w.authorization_b.collector_name,
        state=lambda w: w.authorization_b.active,
    ),
    # property_helpdesk_billing: quotes of paid services
    "/my/work-orders/<int:wo_id>/quote": Probe(
        "GET",
        lambda w: f"/my/work-orders/{w.wo_quote_b.id}/quote",
        secret=lambda w: (w.wo_quote_b.name, w.ticket_quote_b.summary),
    ),
    "/my/work-orders/<int:wo_id>/quote/accept": Probe(
        "JSON",
        lambda w: f"/my/work-orders/{w.wo_quote_b.id}/quote/accept",
        secret=lambda w: (w.wo_quote_b.name, w.ticket_quote_b.summary),
        params=lambda w: {"name": "IDOR Signer", "signature": SIGNATURE},
        state=lambda w: w.wo_quote_b.quote_state,
    ),
    "/my/work-orders/<int:wo_id>/quote/refuse": Probe(
        "POST",
        lambda w: f"/my/work-orders/{w.wo_refuse_b.id}/quote/refuse",
        secret=lambda w: (w.wo_refuse_b.name, w.ticket_refuse_b.summary),
        params=lambda w: {"reason": "IDOR too expensive"},
        state=lambda w: w.wo_refuse_b.quote_state,
    ),
    # property_community: notices and events
    "/my/notices/<int:notice_id>": Probe(
        "GET",
        lambda w: f"/my/notices/{w.notice_b.id}",
        secret=lambda w: w.notice_b.name,
        **SITE_WIDE,
    ),
    "/my/notices/<int:notice_id>/files/<int:attachment_id>": Probe(
        "GET",
        lambda w: f"/my/notices/{w.notice_b.id}/files/{w.notice_file_b.id}",
        secret=lambda w: NOTICE_FILE_B,
        crossed=lambda w: (
            f"/my/notices/{w.notice_a.id}",
            f"/files/{w.notice_file_b.id}",
        ),
        **SITE_WIDE,
    ),
    "/my/events/<int:event_id>": Probe(
        "GET",
        lambda w: f"/my/events/{w.event_b.id}",
        secret=lambda w: w.event_b.name,
        **SITE_WIDE,
    ),
    "/my/events/<int:event_id>/register": Probe(
        "POST",
        lambda w: f"/my/events/{w.event_b.id}/register",
        secret=lambda w: w.event_b.name,
        params=lambda w: {
            "occupancy_id": str(w.occupancy_b.id),
            "attendee": str(w.member_b.id),
        },
        state=lambda w: w.env["event.registration"].search_count(
            [("event_id", "=", w.event_b.id)]
        ),
    ),
    "/my/events/registration/<int:registration_id>/cancel": Probe(
        "POST",
        lambda w: f"/my/events/registration/{w.registration_b.id}/cancel",
        secret=lambda w: w.event_b.name,
        state=lambda w: w.registration_b.state,
    ),
    "/my/events/registration/<int:registration_id>/rate": Probe(
        "POST",
        lambda w: f"/my/events/registration/{w.attended_b.id}/rate",
        secret=lambda w: w.past_event_b.name,
        params=lambda w: {"rating": "1", "comment": "IDOR boring"},
        state=lambda w: w.attended_b.property_rating,
    ),
    # property_decoration: the tenant's decorations and their permits
    "/my/decorations/<int:decoration_id>": Probe(
        "GET",
        lambda w: f"/my/decorations/{w.decoration_b.id}",
        secret=lambda w: w.decoration_b.scope,
    ),
    "/my/decorations/<int:decoration_id>/permit": Probe(
        "GET",
        lambda w: f"/my/decorations/{w.decoration_b.id}/permit",
        secret=lambda w: w.decoration_b.contractor_name,
    ),
    # property_billing: published figures and the billing run (staff)
    "/my/shared-costs/<int:cost_id>": Probe(
        "GET",
        lambda w: f"/my/shared-costs/{w.shared_cost_b.id}",
        secret=lambda w: w.shared_cost_b.title,
        **SITE_WIDE,
    ),
    "/my/shared-costs/<int:cost_id>/xlsx": Probe(
        "GET",
        lambda w: f"/my/shared-costs/{w.shared_cost_b.id}/xlsx",
        secret=lambda w: (w.shared_cost_b.title, XLSX_MAGIC),
        proof=lambda w: XLSX_MAGIC,
        **SITE_WIDE,
    ),
    "/my/disclosures/<int:disclosure_id>": Probe(
        "GET",
        lambda w: f"/my/disclosures/{w.disclosure_b.id}",
        secret=lambda w: w.disclosure_b.name,
        **SITE_WIDE,
    ),
    "/my/disclosures/<int:disclosure_id>/xlsx": Probe(
        "GET",
        lambda w: f"/my/disclosures/{w.disclosure_b.id}/xlsx",
        secret=lambda w: (w.disclosure_b.name, XLSX_MAGIC),
        proof=lambda w: XLSX_MAGIC,
        **SITE_WIDE,
    ),
    "/property_billing/run/<int:run_id>/preview.xlsx": Probe(
        "GET",
        lambda w: f"/property_billing/run/{w.run_b.id}/preview.xlsx",
        secret=lambda w: XLSX_MAGIC,
        # the route's own rule: back-office users who may read the run
        owners=("collector", "billing_manager"),
        refused=("tenant_a", "tenant_b", "agent", "collector_other_company"),
    ),
}


@tagged("post_install", "-at_install")
class TestPortalIdor(HttpCase):
    # outside odoo.addons, Odoo cannot infer the module
    test_module = "property_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company
        # the server runs on the real clock: every date is relative to it
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.today = fields.Date.today()
        cls.last_month = add_months(cls.today, -1)
        cls._users()
        cls._archive()
        cls._service_desk()
        cls._paid_services()
        cls._parcels()
        cls._community()
        cls._published_figures()
        cls._decorations()

    # ------------------------------------------------------------------
    # fixture
    # ------------------------------------------------------------------
    @classmethod
    def _users(cls):
        def user(login, groups, company=cls.company, **kwargs):
            return new_test_user(
                cls.env,
                login=f"idor_{login}",
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                **kwargs,
            )

        cls.users = {
            "tenant_a": user("tenant_a", "base.group_portal", name="IDOR Tenant A"),
            "tenant_b": user("tenant_b", "base.group_portal", name="IDOR Tenant B"),
            "neighbour": user(
                "neighbour", "base.group_portal", name="IDOR Neighbour of B"
            ),
            "agent": user("agent", "property_tenant.group_property_agent"),
            "technician": user(
                "technician", "property_helpdesk.group_property_technician"
            ),
            "collector": user(
                "collector", "property_billing.group_property_fee_collector"
            ),
            "billing_manager": user(
                "billing_manager", "property_billing.group_property_billing_manager"
            ),
            "collector_other_company": user(
                "collector_other_company",
                "property_billing.group_property_fee_collector",
                company=cls.env["res.company"].create({"name": "IDOR Other Co."}),
            ),
        }
        cls.tenant_a = cls.users["tenant_a"].partner_id
        cls.tenant_b = cls.users["tenant_b"].partner_id

    @classmethod
    def _archive(cls):
        """Tenant A at site 1; tenant B (and a child) and B's neighbour at
        site 2."""
        Site = cls.env["property.site"]
        cls.site_1 = Site.create({"name": "IDOR Garden One", "code": "TI1"})
        cls.site_2 = Site.create({"name": "IDOR Court Two", "code": "TI2"})
        cls.unit_a, cls.unit_b, unit_neighbour = cls.env["property.unit"].create(
            [
                {"code": "TI1-0101", "site_id": cls.site_1.id, "area": 90.0},
                {"code": "TI2-0808", "site_id": cls.site_2.id, "area": 80.0},
                {"code": "TI2-0809", "site_id": cls.site_2.id, "area": 80.0},
            ]
        )
        Occupancy = cls.env["property.occupancy"]
        cls.occupancy_a, cls.occupancy_b, occupancy_neighbour = Occupancy.create(
            [
                {
                    "unit_id": cls.unit_a.id,
                    "tenant_id": cls.tenant_a.id,
                    "tenant_kind": "resident",
                    "move_in_date": cls.today - timedelta(days=400),
                },
                {
                    "unit_id": cls.unit_b.id,
                    "tenant_id": cls.tenant_b.id,
                    "tenant_kind": "resident",
                    "move_in_date": cls.today - timedelta(days=400),
                    "member_ids": [
                        Command.create(
                            {
                                "name": "IDOR Child B",
                                "relation": "child",
                                "birth_year": 2017,
                            }
                        )
                    ],
                },
                {
                    "unit_id": unit_neighbour.id,
                    "tenant_id": cls.users["neighbour"].partner_id.id,
                    "tenant_kind": "resident",
                    "move_in_date": cls.today - timedelta(days=400),
                },
            ]
        )
        (cls.occupancy_a | cls.occupancy_b | occupancy_neighbour).action_activate()
        cls.member_b = cls.occupancy_b.member_ids
        cls.document_b = cls.env["property.document"].create(
            {
                "name": "IDOR lease of B",
                "document_type_id": cls.env.ref(
                    "property_tenant.document_type_contract"
                ).id,
                "occupancy_id": cls.occupancy_b.id,
                "portal_visible": True,
                "attachment_ids": [
                    Command.create({"name": "lease_b.pdf", "raw": LEASE_B})
                ],
            }
        )

    @classmethod
    def _ticket(cls, unit, summary):
        return cls.env["property.ticket"].create(
            {
                "kind": "service",
                "channel": "phone",
                "site_id": unit.site_id.id,
                "unit_id": unit.id,
                "summary": summary,
                "category_id": cls.category.id,
                "received_at": cls.now - timedelta(days=2),
            }
        )

    @classmethod
    def _dispatched(cls, unit, summary):
        ticket = cls._ticket(unit, summary)
        ticket.action_dispatch()
        return ticket, ticket.work_order_ids

    @classmethod
    def _service_desk(cls):
        """A's request; B's request with a photo and its work order on site
        (rated, not signed), and B's done request with a call-back to
        answer."""
        technician = cls.users["technician"]
        department = cls.env["property.department"].create(
            {
                "name": "IDOR Engineering",
                "kind": "engineering",
                "member_ids": [Command.set(technician.ids)],
                "default_user_id": technician.id,
            }
        )
        cls.category = cls.env["property.ticket.category"].create(
            {"name": "IDOR plumbing", "department_id": department.id}
        )
        cls.ticket_a = cls._ticket(cls.unit_a, "IDOR dripping tap of A")
        cls.ticket_b, cls.wo_b = cls._dispatched(cls.unit_b, "IDOR secret leak of B")
        cls.wo_b.with_user(technician).action_start()
        cls.wo_b.sudo().satisfaction = "4"
        cls.photo_b = cls.env["ir.attachment"].create(
            {
                "name": "b_private.png",
                "raw": PNG,
                "res_model": "property.ticket",
                "res_id": cls.ticket_b.id,
            }
        )
        cls.ticket_b.photo_ids = [Command.link(cls.photo_b.id)]
        cls.ticket_b_done, wo_done = cls._dispatched(
            cls.unit_b, "IDOR secret door of B"
        )
        wo_done = wo_done.with_user(technician)
        wo_done.action_start()
        wo_done.write(
            {
                "work_done": "<p>Door fixed</p>",
                "signature": SIGNATURE,
                "signed_by": "IDOR Tenant B",
            }
        )
        wo_done.action_done()
        cls.callback_b = cls.ticket_b_done.callback_ids

    @classmethod
    def _paid_services(cls):
        """Two quotes sent to B: one to accept, one to refuse."""
        product = cls.env["product.product"].create(
            {"name": "IDOR paid service", "type": "service"}
        )
        item = cls.env["property.fee.item"].create(
            {
                "name": "IDOR Paid Services",
                "code": "TI-SVC",
                "kind": "service",
                "product_id": product.id,
            }
        )
        drain = cls.env["property.paid.service"].create(
            {
                "name": "IDOR unblock a drain",
                "code": "TI-DRAIN",
                "list_price": 80.0,
                "uom_name": "time",
                "fee_item_id": item.id,
            }
        )
        quotes = []
        for summary in ("IDOR secret drain of B", "IDOR secret sink of B"):
            ticket, work_order = cls._dispatched(cls.unit_b, summary)
            work_order.with_user(cls.users["technician"]).write(
                {
                    "charge_type": "paid",
                    "quote_line_ids": [
                        Command.create({"service_id": drain.id, "quantity": 1.0})
                    ],
                }
            )
            work_order.with_user(cls.users["technician"]).action_quote_send()
            quotes.append((ticket, work_order))
        (cls.ticket_quote_b, cls.wo_quote_b), (cls.ticket_refuse_b, cls.wo_refuse_b) = (
            quotes
        )

    @classmethod
    def _parcels(cls):
        cls.authorization_b = cls.env["property.parcel.authorization"].create(
            {
                "partner_id": cls.tenant_b.id,
                "company_id": cls.company.id,
                "collector_name": "IDOR Collector Qian",
                "id_last_digits": "1234",
                "scope": "standing",
            }
        )

    @classmethod
    def _community(cls):
        """A notice of each site (B's with a file); an upcoming event of
        site 2 where B is registered, and a past one B attended."""
        Notice = cls.env["property.notice"]
        cls.notice_a, cls.notice_b = Notice.create(
            [
                {
                    "name": name,
                    "category": "reminder",
                    "site_id": site.id,
                    "body": f"<p>{name}</p>",
                    "state": "published",
                    "publish_from": cls.now - timedelta(days=1),
                }
                for name, site in (
                    ("IDOR lift service at Garden One", cls.site_1),
                    ("IDOR water cut at Court Two", cls.site_2),
                )
            ]
        )
        cls.notice_file_b = cls.env["ir.attachment"].create(
            {
                "name": "water_cut.txt",
                "raw": NOTICE_FILE_B,
                "res_model": "property.notice",
                "res_id": cls.notice_b.id,
            }
        )
        cls.notice_b.attachment_ids = [Command.link(cls.notice_file_b.id)]

        now = cls.now
        Event = cls.env["event.event"]
        Registration = cls.env["event.registration"]
        cls.event_b, cls.past_event_b = Event.create(
            [
                {
                    "name": name,
                    "property_site_id": cls.site_2.id,
                    "property_audience": "all",
                    "date_begin": now + timedelta(days=10),
                    "date_end": now + timedelta(days=10, hours=2),
                    "date_tz": "Asia/Shanghai",
                }
                for name in ("IDOR lantern evening", "IDOR past tea party")
            ]
        )
        cls.registration_b = Registration._property_register_household(
            cls.event_b, cls.occupancy_b, [], cls.tenant_b
        )
        cls.attended_b = Registration._property_register_household(
            cls.past_event_b, cls.occupancy_b, [], cls.tenant_b
        )
        cls.past_event_b._property_check_in(cls.attended_b.barcode)
        cls.past_event_b.write(
            {
                "date_begin": now - timedelta(days=5),
                "date_end": now - timedelta(days=5) + timedelta(hours=2),
            }
        )

    @classmethod
    def _published_figures(cls):
        """Site 2's published shared cost and disclosure, and its billing
        run (back office only)."""
        manager = cls.users["billing_manager"]
        product = cls.env["product.product"].create(
            {"name": "IDOR shared cost", "type": "service"}
        )
        item = cls.env["property.fee.item"].create(
            {
                "name": "IDOR Shared Cost",
                "code": "TI-SHARED",
                "kind": "shared",
                "product_id": product.id,
            }
        )
        cls.shared_cost_b = cls.env["property.shared.cost"].create(
            {
                "title": "IDOR Court Two lift power",
                "site_id": cls.site_2.id,
                "item_id": item.id,
                "period_start": cls.last_month,
                "amount_total": 800.0,
            }
        )
        cls.shared_cost_b.with_user(manager).action_confirm()
        cls.shared_cost_b.with_user(manager).action_publish()
        cls.disclosure_b = cls.env["property.financial.disclosure"].create(
            {
                "name": "IDOR Court Two disclosure",
                "site_id": cls.site_2.id,
                "date_from": cls.last_month,
                "date_to": month_end(cls.last_month),
            }
        )
        cls.disclosure_b.with_user(manager).action_publish()
        cls.run_b = (
            cls.env["property.billing.run"]
            .with_user(manager)
            .create({"site_id": cls.site_2.id, "period_start": cls.last_month})
        )

    @classmethod
    def _decorations(cls):
        cls.decoration_b = cls.env["property.decoration"].create(
            {
                "occupancy_id": cls.occupancy_b.id,
                "contractor_name": "IDOR Builders of B",
                "contractor_person": "IDOR Foreman",
                "contractor_phone": "139 0000 0808",
                "scope": "IDOR secret kitchen works of B",
                "date_start": cls.today + timedelta(days=10),
                "date_end": cls.today + timedelta(days=40),
                "worker_ids": [Command.create({"name": "IDOR Worker B"})],
            }
        )
        # the permit as issued once the fees are paid (the flow is tested in
        # property_decoration): only the routes' guard is probed here
        cls.decoration_b.write({"state": "permitted", "permit_date": cls.today})

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _login(self, who):
        login = self.users[who].login
        self.authenticate(login, login)

    def _csrf(self):
        """A CSRF token of the session: from a page with a form."""
        url = "/my/account" if self.session.uid else "/web/login"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        return CSRF_RE.search(page.text).group(1)

    def _request(self, probe, url, csrf=None):
        # the server works in the test's cursor: share pending writes with
        # it, and read what it wrote afterwards
        self.env.flush_all()
        params = probe.params(self)
        if probe.method == "GET":
            response = self.url_open(url, allow_redirects=False)
        elif probe.method == "POST":
            response = self.url_open(
                url, data={"csrf_token": csrf, **params}, allow_redirects=False
            )
        else:
            response = self.url_open(
                url,
                data=json.dumps(
                    {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
                ),
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
        self.env.invalidate_all()
        return response

    def _state(self, probe):
        return probe.state(self) if probe.state else None

    def _assert_refused(self, probe, response, url):
        if probe.method == "JSON":
            self.assertEqual(response.status_code, 200, url)
            answer = response.json()
            self.assertIn("error", answer, url)
            self.assertNotIn("result", answer, url)
        else:
            self.assertIn(response.status_code, (403, 404), url)
        for secret in _as_bytes(probe.secret(self)):
            self.assertNotIn(secret, response.content, url)

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------
    def test_every_record_route_has_its_probe(self):
        routes = record_routes(self.env)
        missing = sorted(set(routes) - set(PROBES))
        stale = sorted(set(PROBES) - set(routes))
        self.assertFalse(missing, f"routes without an IDOR probe in PROBES: {missing}")
        self.assertFalse(stale, f"probes of routes that no longer exist: {stale}")
        for rule, routing in routes.items():
            self.assertEqual(PROBES[rule].method, route_method(routing), rule)

    def test_other_tenant_is_refused_on_every_route(self):
        for rule, probe in PROBES.items():
            for who in probe.refused:
                with self.subTest(route=rule, user=who):
                    self._login(who)
                    csrf = self._csrf() if probe.method == "POST" else None
                    before = self._state(probe)
                    urls = [probe.url(self)]
                    if probe.crossed and who == "tenant_a":
                        parent, rest = probe.crossed(self)
                        # A's own record is served: the refusal below is
                        # about B's record under it
                        self.assertEqual(self.url_open(parent).status_code, 200)
                        urls.append(parent + rest)
                    for url in urls:
                        # a refusal is an ordinary 404, not a warning in
                        # the log (a route returning the exception instead
                        # of raising it logs one at every attempt)
                        with self.assertNoLogs("odoo.http", "WARNING"):
                            response = self._request(probe, url, csrf)
                        self._assert_refused(probe, response, url)
                    self.assertEqual(self._state(probe), before, rule)

    def test_owner_reaches_every_get_route(self):
        """The positive control: the same URL serves the record to its
        owner, so the refusals above are the guard, not a wrong URL."""
        for rule, probe in PROBES.items():
            if probe.method != "GET":
                continue
            for who in probe.owners:
                with self.subTest(route=rule, user=who):
                    self._login(who)
                    url = probe.url(self)
                    response = self._request(probe, url)
                    self.assertEqual(response.status_code, 200, url)
                    proof = (probe.proof or probe.secret)(self)
                    for text in _as_bytes(proof):
                        self.assertIn(text, response.content, url)

    def test_owner_acts_on_every_post_route(self):
        """The positive control of the POST and JSON routes: the owner's
        same request does change the record."""
        for rule, probe in PROBES.items():
            if probe.method == "GET":
                continue
            with self.subTest(route=rule):
                self._login(probe.owners[0])
                csrf = self._csrf() if probe.method == "POST" else None
                before = self._state(probe)
                response = self._request(probe, probe.url(self), csrf)
                self.assertIn(response.status_code, (200, 303), rule)
                if probe.method == "JSON":
                    self.assertNotIn("error", response.json(), rule)
                self.assertNotEqual(self._state(probe), before, rule)

    def test_anonymous_is_refused_on_every_route(self):
        """Routes for logged-in users send the visitor to the login page;
        public ones (reachable with the record's access token) refuse a
        visitor without the token or with a wrong one (404, or the login
        page)."""
        routes = record_routes(self.env)
        for rule, probe in PROBES.items():
            auth = routes[rule]["auth"] if rule in routes else "user"
            urls = [probe.url(self)]
            if auth == "public":
                urls.append(f"{urls[0]}?access_token=idor-not-the-token")
            for url in urls:
                with self.subTest(route=rule, auth=auth, url=url):
                    self.authenticate(None, None)
                    csrf = self._csrf() if probe.method == "POST" else None
                    before = self._state(probe)
                    response = self._request(probe, url, csrf)
                    redirected = response.status_code in (302, 303)
                    if probe.method != "JSON" and (auth == "user" or redirected):
                        self.assertIn(response.status_code, (302, 303), url)
                        self.assertIn("/web/login", response.headers["Location"])
                        for secret in _as_bytes(probe.secret(self)):
                            self.assertNotIn(secret, response.content, url)
                    else:
                        self._assert_refused(probe, response, url)
                    self.assertEqual(self._state(probe), before, rule)
