"""Two people acting on the same record at the same moment, through a real
Odoo server: prefork workers (``--workers=2``), every client with its own
HTTP session and so its own database connection, the two requests released
together by a barrier.  Odoo's HTTP layer replays a request whose
transaction lost a serialization conflict; the replayed action then sees
the winner's work and must refuse it with a clear message, or give back the
same result (an idempotent form), never do the work twice.

The scenarios (issue 16, "Concurrency"):

- two collectors take the same bill at the counter, and two accountants
  register it with Odoo's own payment wizard: one payment, the other refused;
- a tenant pays the bill online while the counter takes it: never two
  payments of one bill without a flag (an activity for the collectors);
- the portal "Pay" and "Submit request" forms sent twice: one transaction and
  one payment, one request;
- two agents dispatching or closing the same item: one work order, one
  close, each state once in the item's history;
- two readings of the same meter and day: one reading;
- a billing run and a credit note of the same period: never two live bills
  of one fee and period, every billed key on a live bill.

A transaction of the test database is invisible to another process, so the
test works on a copy of a scratch database where the modules are installed
once per session, filled here, and a server on it (OdooServerCase of
tests/odoo_processes.py, as the fault tests)."""

import http.cookiejar
import json
import re
import threading
import time
import urllib.parse
import urllib.request

from odoo_processes import OdooServer, OdooServerCase

REQUEST_TIMEOUT = 120
PASSWORD = "Concurrency-2026"

# Run in the scratch database (odoo_processes' Database.run_script; ARGS:
# the people's password): the people, a site with its tenants and their
# March bills, a meter, the service desk's department; prints the ids as
# JSON.
SETUP = """
from datetime import date

password = ARGS[0]
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    company = env.company
    if not env["account.account"].search_count([("company_ids", "in", company.id)]):
        env["account.chart.template"].try_loading("cn", company, install_demo=False)

    def user(login, groups, **vals):
        return env["res.users"].create({
            "name": vals.pop("name", login), "login": login, "password": password,
            "email": f"{login}@cc.example.com",
            "groups_id": [Command.set([env.ref(g).id for g in groups])], **vals,
        })

    collectors = [
        user(f"collector{i}", ["property_billing.group_property_fee_collector"])
        for i in (1, 2)
    ]
    accountants = [
        user(f"accountant{i}", ["account.group_account_invoice"]) for i in (1, 2)
    ]
    agents = [
        user(f"agent{i}", ["property_tenant.group_property_supervisor"])
        for i in (1, 2)
    ]
    manager = user("manager", ["property_billing.group_property_billing_manager",
                               "account.group_account_invoice"])
    tenant_user = user("tenant", ["base.group_portal"], name="Online Tenant")
    tenant2_user = user("tenant2", ["base.group_portal"], name="Double Clicker")

    product = env["product.product"].create(
        {"name": "CC fee", "type": "service", "taxes_id": [Command.clear()]}
    )
    item = env["property.fee.item"].create(
        {"name": "CC Fee", "code": "CC", "kind": "fixed", "product_id": product.id}
    )
    site = env["property.site"].create({"name": "CC Plaza", "code": "CC"})
    env["account.journal"]._property_setup_counter_journals(company)
    standard = env["property.fee.standard"].create(
        {"item_id": item.id, "site_id": site.id, "rate": 100.0,
         "date_from": date(2025, 1, 1)}
    )
    standard.action_submit()
    standard.action_approve()
    names = ["counter", "register", "online", "pay_twice", "credit", "late"]
    units = env["property.unit"].create(
        [{"code": f"CC-{i:02d}", "site_id": site.id, "area": 50.0, "usage": "home"}
         for i in range(len(names))]
    )
    tenants = {n: env["res.partner"].create({"name": f"CC Tenant {n}"}) for n in names}
    tenants["online"] = tenant_user.partner_id
    tenants["pay_twice"] = tenant2_user.partner_id
    occupancies = env["property.occupancy"].create(
        [{"unit_id": u.id, "tenant_id": tenants[n].id, "move_in_date": date(2025, 1, 1)}
         for u, n in zip(units, names)]
    )
    occupancies.action_activate()
    by_name = dict(zip(names, occupancies))
    plans = env["property.billing.plan"].create(
        [{"occupancy_id": by_name[n].id,
          "line_ids": [Command.create({"item_id": item.id})]}
         for n in names if n != "late"]
    )
    plans.action_start()
    run = env["property.billing.run"].create(
        {"site_id": site.id, "period_start": date(2026, 3, 1)}
    )
    run.action_preview()
    run.action_generate()
    run.action_post()
    bills = {n: run.move_ids.filtered(lambda m, o=by_name[n]: (
        m.invoice_line_ids.property_occupancy_id == o)) for n in names if n != "late"}
    # the late tenant's plan starts now: the next March run bills it
    env["property.billing.plan"].create(
        {"occupancy_id": by_name["late"].id,
         "line_ids": [Command.create({"item_id": item.id})]}
    ).action_start()
    credit_run = env["property.billing.run"].create(
        {"site_id": site.id, "period_start": date(2026, 3, 1)}
    )
    credit_run.action_preview()
    refund = env["account.move.reversal"].with_context(
        active_model="account.move", active_ids=bills["credit"].ids
    ).create({"journal_id": bills["credit"].journal_id.id, "reason": "wrong fee"})
    refund.refund_moves()
    credit_note = bills["credit"].reversal_move_ids

    provider = env.ref("payment.payment_provider_demo")
    provider.write({"state": "test", "is_published": True})
    meter = env["property.meter"].create(
        {"serial": "CC-W1", "unit_id": units[0].id, "meter_type": "water",
         "install_date": date(2025, 1, 1)}
    )

    department = env["property.department"].create(
        {"name": "CC Engineering", "kind": "engineering",
         "member_ids": [Command.set([a.id for a in agents])],
         "default_user_id": agents[0].id}
    )
    tickets = env["property.ticket"].create([
        {"kind": "service", "channel": "phone", "site_id": site.id,
         "unit_id": units[0].id, "summary": "CC leak", "department_id": department.id},
        {"kind": "inquiry", "channel": "phone", "site_id": site.id,
         "unit_id": units[0].id, "summary": "CC question", "reply": "Answered"},
    ])
    for bill in bills.values():
        bill._portal_ensure_token()
    print(json.dumps({
        "bills": {n: b.id for n, b in bills.items()},
        "tokens": {n: b.access_token for n, b in bills.items()},
        "tenant": tenant_user.partner_id.id,
        "tenant2": tenant2_user.partner_id.id,
        "occupancies": {n: o.id for n, o in by_name.items()},
        "item": item.id,
        "credit_run": credit_run.id,
        "credit_note": credit_note.id,
        "provider": provider.id,
        "method": env.ref("payment.payment_method_unknown").id,
        "meter": meter.id,
        "units": {n: u.id for n, u in zip(names, units)},
        "dispatch_ticket": tickets[0].id,
        "close_ticket": tickets[1].id,
        "journal": env["account.journal"].search(
            [("company_id", "=", company.id), ("property_counter_method", "=", "cash")],
            limit=1).id,
    }))
"""


class Client:
    """One browser: its own cookie jar, so its own session (and worker
    connection)."""

    def __init__(self, base, db):
        self.base, self.db = base, db
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def _open(self, path, data=None, headers=None):
        req = urllib.request.Request(  # noqa: S310  loopback test server
            self.base + path, data=data, headers=headers or {}
        )
        with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
            return response.geturl(), response.read().decode()

    def json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        _url, text = self._open(
            path, body.encode(), {"Content-Type": "application/json"}
        )
        answer = json.loads(text)
        if "error" in answer:
            data = answer["error"].get("data") or {}
            return None, data.get("message") or answer["error"].get("message")
        return answer.get("result"), None

    def login(self, login):
        result, error = self.json(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": PASSWORD},
        )
        assert not error, error
        return result

    def call(self, model, method, *args, **kwargs):
        return self.json(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def button(self, model, method, ids, context=None):
        return self.json(
            "/web/dataset/call_button",
            {
                "model": model,
                "method": method,
                "args": [ids],
                "kwargs": {"context": context or {}},
            },
        )

    def get(self, path):
        return self._open(path)

    def post(self, path, fields):
        return self._open(path, urllib.parse.urlencode(fields).encode())


def at_once(*calls):
    """Run the calls in two threads released together; their results in
    order (an exception is returned, not raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001  returned to the test
            results[index] = error

    threads = [
        threading.Thread(target=run, args=(i, c), daemon=True)
        for i, c in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 30)
    assert not any(t.is_alive() for t in threads), "a request never answered"
    return results


class TestConcurrency(OdooServerCase):
    MODULES = ("property_billing", "property_helpdesk", "payment_demo")
    PREFIX = "test_cc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.started = time.monotonic()
        cls.database = cls.copy_template(cls.addClassCleanup)
        cls.db = cls.database.name
        cls.ids = cls.database.run_script(SETUP, PASSWORD)
        cls.odoo_server = OdooServer(
            cls.odoo, cls.database, cls.tmp / "server.log", channels="root:1"
        )
        cls.addClassCleanup(cls.odoo_server.stop)
        cls.odoo_server.start(timeout=120)
        cls.base = f"http://127.0.0.1:{cls.odoo_server.port}"

    @classmethod
    def tearDownClass(cls):
        log = cls.odoo_server.log.read_text(encoding="utf-8", errors="replace")
        print(  # noqa: T201  the runtime and the replays, for the report
            f"\nconcurrency scenarios: {time.monotonic() - cls.started:.0f} s,"
            f" {log.count('tries left, try again')} requests replayed"
            " after a serialization conflict"
        )
        super().tearDownClass()

    def _query(self, sql, params=()):
        return self.database.query(sql, params)

    def _client(self, login=None):
        client = Client(self.base, self.db)
        if login:
            client.login(login)
        return client

    def _payments(self, bill_id):
        """(amount, reconciled amount) of each posted payment of the bill's
        payer."""
        return self._query(
            """SELECT p.amount, p.is_reconciled
                 FROM account_payment p JOIN account_move m ON m.id = p.move_id
                WHERE p.partner_id = (SELECT commercial_partner_id FROM account_move
                                       WHERE id = %s)
                  AND m.state = 'posted'
                ORDER BY p.id""",
            [bill_id],
        )

    def _bill(self, bill_id):
        [[state, residual, total]] = self._query(
            "SELECT payment_state, amount_residual, amount_total"
            " FROM account_move WHERE id = %s",
            [bill_id],
        )
        return state, float(residual), float(total)

    def _one_wins(self, results):
        """One (result, error) pair succeeded, the other was refused; the
        refusal's message."""
        errors = [error for _result, error in results if error]
        self.assertEqual(len(errors), 1, f"exactly one refused: {results}")
        return errors[0]

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------
    def test_two_counter_payments_of_one_bill(self):
        bill = self.ids["bills"]["counter"]
        context = {"active_model": "account.move", "active_ids": [bill]}
        wizards = []
        for login in ("collector1", "collector2"):
            client = self._client(login)
            wizard, error = client.call(
                "property.counter.payment",
                "create",
                {"journal_id": self.ids["journal"]},
                context=context,
            )
            self.assertFalse(error, error)
            wizards.append((client, wizard))
        results = at_once(
            *(
                lambda c=c, w=w: c.button(
                    "property.counter.payment", "action_register", [w]
                )
                for c, w in wizards
            )
        )
        message = self._one_wins(results)
        self.assertIn("already paid", message)
        self.assertEqual(self._bill(bill)[:2], ("paid", 0.0))
        self.assertEqual(self._payments(bill), [(100.0, True)], "one payment")

    def test_two_payment_wizards_of_one_bill(self):
        bill = self.ids["bills"]["register"]
        context = {"active_model": "account.move", "active_ids": [bill]}
        wizards = []
        for login in ("accountant1", "accountant2"):
            client = self._client(login)
            wizard, error = client.call(
                "account.payment.register", "create", {}, context=context
            )
            self.assertFalse(error, error)
            wizards.append((client, wizard))
        results = at_once(
            *(
                lambda c=c, w=w: c.button(
                    "account.payment.register",
                    "action_create_payments",
                    [w],
                    context,
                )
                for c, w in wizards
            )
        )
        message = self._one_wins(results)
        self.assertIn("already paid", message)
        self.assertEqual(self._bill(bill)[:2], ("paid", 0.0))
        self.assertEqual(self._payments(bill), [(100.0, True)], "one payment")

    def _pay_online(self, client, name, amount=100.0):
        """The portal's Pay button: a transaction for the bill, and its
        reference."""
        return client.json(
            f"/invoice/transaction/{self.ids['bills'][name]}",
            {
                "access_token": self.ids["tokens"][name],
                "provider_id": self.ids["provider"],
                "payment_method_id": self.ids["method"],
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/my/invoices",
                "is_validation": False,
            },
        )

    def _simulate(self, client, reference):
        """The demo provider's card form: the payment is taken."""
        return client.json(
            "/payment/demo/simulate_payment",
            {
                "reference": reference,
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )

    def test_online_payment_while_counter_takes_it(self):
        bill = self.ids["bills"]["online"]
        tenant = self._client("tenant")
        values, error = self._pay_online(tenant, "online")
        self.assertFalse(error, error)
        _result, error = self._simulate(tenant, values["reference"])
        self.assertFalse(error, error)
        collector = self._client("collector1")
        wizard, error = collector.call(
            "property.counter.payment",
            "create",
            {"journal_id": self.ids["journal"]},
            context={"active_model": "account.move", "active_ids": [bill]},
        )
        self.assertFalse(error, error)
        # the status page post-processes the transaction (creates the
        # payment) while the collector registers the same bill
        at_once(
            lambda: tenant.json("/payment/status/poll", {}),
            lambda: collector.button(
                "property.counter.payment", "action_register", [wizard]
            ),
        )
        self.assertEqual(self._bill(bill)[:2], ("paid", 0.0))
        payments = self._payments(bill)
        self.assertIn((100.0, True), payments)
        if len(payments) > 1:
            # both taken: the extra payment is flagged to the collectors
            [(amount, reconciled)] = [p for p in payments if not p[1]]
            self.assertEqual((amount, reconciled), (100.0, False))
            flagged = self._query(
                """SELECT count(*) FROM mail_activity a
                     JOIN account_payment p ON p.id = a.res_id
                    WHERE a.res_model = 'account.payment'
                      AND p.partner_id = %s AND NOT p.is_reconciled""",
                [self.ids["tenant"]],
            )
            self.assertEqual(flagged, [(1,)], "the double payment is flagged")

    def test_pay_button_sent_twice(self):
        bill = self.ids["bills"]["pay_twice"]
        tenant = self._client("tenant2")
        results = at_once(
            lambda: self._pay_online(tenant, "pay_twice"),
            lambda: self._pay_online(tenant, "pay_twice"),
        )
        references = {result["reference"] for result, _error in results if result}
        self.assertEqual(len(references), 1, f"one transaction: {results}")
        reference = references.pop()
        at_once(
            lambda: self._simulate(tenant, reference),
            lambda: self._simulate(tenant, reference),
        )
        tenant.json("/payment/status/poll", {})
        self.assertEqual(self._bill(bill)[:2], ("paid", 0.0))
        self.assertEqual(self._payments(bill), [(100.0, True)], "one payment")
        # the page of a paid bill sent again: refused, nothing taken
        _result, error = self._pay_online(tenant, "pay_twice")
        self.assertIn("nothing left to pay", error)

    # ------------------------------------------------------------------
    # Service desk
    # ------------------------------------------------------------------
    def test_request_form_sent_twice(self):
        tenant = self._client("tenant")
        _url, page = tenant.get("/my/requests/new")
        pattern = (
            r'<input[^>]*name="(csrf_token|property_submission)"[^>]*value="([^"]*)"'
        )
        fields = dict(re.findall(pattern, page))
        self.assertEqual(set(fields), {"csrf_token", "property_submission"})
        fields.update(
            kind="service",
            unit_id=str(self.ids["units"]["online"]),
            summary="CC double click",
            description="sent twice",
        )
        results = at_once(
            lambda: tenant.post("/my/requests/new", fields),
            lambda: tenant.post("/my/requests/new", fields),
        )
        urls = {url.split("?")[0] for url, _page in results}
        [[count]] = self._query(
            "SELECT count(*) FROM property_ticket WHERE summary = 'CC double click'"
        )
        self.assertEqual(count, 1, "one request")
        self.assertEqual(len(urls), 1, f"both answers show that request: {urls}")

    def _tracked_states(self, ticket_id):
        return [
            value
            for (value,) in self._query(
                """SELECT v.new_value_char FROM mail_tracking_value v
                     JOIN mail_message m ON m.id = v.mail_message_id
                     JOIN ir_model_fields f ON f.id = v.field_id
                    WHERE m.model = 'property.ticket' AND m.res_id = %s
                      AND f.name = 'state'
                    ORDER BY m.id""",
                [ticket_id],
            )
        ]

    def test_two_agents_dispatch_one_item(self):
        ticket = self.ids["dispatch_ticket"]
        agents = [self._client("agent1"), self._client("agent2")]
        results = at_once(
            *(
                # the context the form's Dispatch button sends
                lambda a=a: a.button(
                    "property.ticket",
                    "action_dispatch",
                    [ticket],
                    {"property_seen_state": "new"},
                )
                for a in agents
            )
        )
        message = self._one_wins(results)
        self.assertIn("changed by someone else", message)
        [[orders]] = self._query(
            "SELECT count(*) FROM property_work_order WHERE ticket_id = %s", [ticket]
        )
        self.assertEqual(orders, 1, "one work order")
        self.assertEqual(self._tracked_states(ticket), ["In Progress"])

    def test_two_agents_close_one_item(self):
        ticket = self.ids["close_ticket"]
        agents = [self._client("agent1"), self._client("agent2")]
        results = at_once(
            *(
                lambda a=a: a.button("property.ticket", "action_close", [ticket])
                for a in agents
            )
        )
        message = self._one_wins(results)
        self.assertIn("already closed", message)
        self.assertEqual(self._tracked_states(ticket), ["Closed"])

    # ------------------------------------------------------------------
    # Meters and billing
    # ------------------------------------------------------------------
    def test_two_readings_of_one_meter_and_day(self):
        clients = [self._client("collector1"), self._client("collector2")]
        values = {"meter_id": self.ids["meter"], "date": "2026-03-31", "value": 12.5}
        results = at_once(
            *(
                lambda c=c: c.call("property.meter.reading", "create", values)
                for c in clients
            )
        )
        message = self._one_wins(results)
        self.assertIn("one reading per day", message)
        [[count]] = self._query(
            "SELECT count(*) FROM property_meter_reading"
            " WHERE meter_id = %s AND date = '2026-03-31'",
            [self.ids["meter"]],
        )
        self.assertEqual(count, 1)

    def test_billing_run_and_credit_note_at_once(self):
        manager = self._client("manager")
        accountant = self._client("manager")
        results = at_once(
            lambda: manager.button(
                "property.billing.run", "action_generate", [self.ids["credit_run"]]
            ),
            lambda: accountant.button(
                "account.move", "action_post", [self.ids["credit_note"]]
            ),
        )
        self.assertFalse([e for _r, e in results if e], results)
        # per tenant archive: at most one live bill (generated or posted, not
        # credited) of the fee for March, and a key exactly when there is one
        live = dict(
            self._query(
                """SELECT l.property_occupancy_id, count(*)
                     FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                    WHERE m.move_type = 'out_invoice'
                      AND m.state IN ('draft', 'posted')
                      AND l.property_fee_item_id = %s
                      AND l.property_period_start = '2026-03-01'
                      AND NOT EXISTS (SELECT 1 FROM account_move r
                                       WHERE r.reversed_entry_id = m.id
                                         AND r.state = 'posted')
                    GROUP BY l.property_occupancy_id""",
                [self.ids["item"]],
            )
        )
        keys = dict(
            self._query(
                """SELECT occupancy_id, count(*) FROM property_billing_key
                    WHERE item_id = %s AND period_start = '2026-03-01'
                    GROUP BY occupancy_id""",
                [self.ids["item"]],
            )
        )
        self.assertTrue(all(count == 1 for count in live.values()), live)
        self.assertEqual(keys, live, "a key for every live bill, and only those")
        occupancies = self.ids["occupancies"]
        self.assertIn(occupancies["late"], live, "the new tenant is billed")
        [[credit_state]] = self._query(
            "SELECT state FROM account_move WHERE id = %s", [self.ids["credit_note"]]
        )
        self.assertEqual(credit_state, "posted")
