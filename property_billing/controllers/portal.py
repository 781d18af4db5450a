"""Tenant portal of the property fees (R-FEE-4).

What a tenant sees here, and nothing else:

- ``/my/property-bills``: their property bills (posted customer invoices of
  their commercial entity carrying fee item lines), grouped by billing
  month or by unit, filtered by unit, month and payment state, each with
  its item breakdown (unit, fee item, billed period, amount) and a link to
  Odoo's own invoice page (``/my/invoices/<id>``) where "Pay Now" pays it
  through the payment providers;
- ``/my/property-bills/ledger``: the statement of their account: every
  posted receivable entry of their commercial entity (bills, payments,
  credit notes) in date order with the running balance, which ends on the
  balance due shown on the bills page.

Bills are searched as the tenant (the portal record rules of invoices
apply); what is then read of them (units, fee items) is read with sudo on
those records only.  The ledger reads journal items with sudo, on a domain
built from the logged-in user's own commercial partner, never from the
request.  Filters from the request are checked against the tenant's own
units and months.
"""

import re
from collections import OrderedDict
from datetime import date

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.property_tenant.utils import month_label

from ..billing import month_end
from ..receipt import period_label

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
LEDGER_PAGE_SIZE = 100


class PropertyBillingPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _property_commercial_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _property_bill_domain(self):
        """The tenant's property bills.  Searched as the tenant, so that
        the portal record rules of invoices apply on top of it."""
        return [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("commercial_partner_id", "=", self._property_commercial_partner().id),
            "|",
            ("property_billing_run_id", "!=", False),
            ("invoice_line_ids.property_fee_item_id", "!=", False),
        ]

    def _property_bill_ids(self):
        Move = request.env["account.move"]
        if not Move.has_access("read"):
            return []
        return Move.search(self._property_bill_domain()).ids

    def _property_receivable_domain(self):
        """The tenant's own receivable journal items (all companies)."""
        return [
            ("partner_id", "child_of", self._property_commercial_partner().id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ]

    def _property_balances(self):
        """Balance due per company: [(company, currency, amount)]."""
        groups = (
            request.env["account.move.line"]
            .sudo()
            ._read_group(
                self._property_receivable_domain(),
                ["company_id"],
                ["amount_residual:sum"],
            )
        )
        return [
            (company, company.currency_id, amount)
            for company, amount in sorted(groups, key=lambda group: group[0].id)
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_bill_count" in counters:
            Move = request.env["account.move"]
            values["property_bill_count"] = (
                Move.search_count(self._property_bill_domain())
                if Move.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # My property bills
    # ------------------------------------------------------------------
    def _property_bill_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("To Pay"),
                "domain": [("payment_state", "in", ("not_paid", "partial"))],
            },
            "paid": {
                "label": request.env._("Paid"),
                "domain": [("payment_state", "in", ("paid", "in_payment", "reversed"))],
            },
        }

    def _property_bill_groupbys(self):
        return {
            "period": {"label": request.env._("Billing Month")},
            "unit": {"label": request.env._("Unit")},
            "none": {"label": request.env._("None")},
        }

    @staticmethod
    def _property_line_period_key(line):
        start = line.property_period_start or line.move_id.property_period_start
        return month_label(start)

    def _property_bill_options(self, bill_ids):
        """The tenant's units and billing months, for the filters."""
        lines = (
            request.env["account.move.line"]
            .sudo()
            .search([("move_id", "in", bill_ids), ("display_type", "=", "product")])
        )
        units = lines.property_occupancy_id.unit_id.sorted(lambda unit: unit.code or "")
        periods = sorted(
            {self._property_line_period_key(line) for line in lines} - {""},
            reverse=True,
        )
        return units, periods

    def _property_group_bills(self, bills, groupby, unit=None, period=None):
        """Groups of bills with their item lines, for the template:
        ``[{"key", "label", "bills": [{"invoice", "lines": [...]}], "total"}]``.
        A bill whose lines are of several units (or months) appears in the
        group of each, with the lines of that group."""
        groups = OrderedDict()
        for invoice in bills:
            lines = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            for line in lines:
                line_unit = line.property_occupancy_id.unit_id
                line_period = self._property_line_period_key(line)
                if unit and line_unit != unit:
                    continue
                if period and line_period != period:
                    continue
                if groupby == "unit":
                    key = line_unit.code or ""
                    label = line_unit.display_name or request.env._("Other charges")
                elif groupby == "period":
                    key = line_period
                    label = line_period or request.env._("Other charges")
                else:
                    key, label = "", ""
                group = groups.setdefault(
                    key,
                    {"key": key, "label": label, "bills": OrderedDict(), "total": 0.0},
                )
                sign = -1 if invoice.move_type == "out_refund" else 1
                group["bills"].setdefault(invoice, []).append(
                    {
                        "unit": line_unit.display_name or "",
                        "item": line.property_fee_item_id.name or "",
                        "name": line.name or "",
                        "period": period_label(
                            line.property_period_start, line.property_period_end
                        ),
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        "amount": sign * line.price_total,
                    }
                )
                group["total"] += sign * line.price_total
        keys = list(groups)
        if groupby == "period":
            keys.sort(reverse=True)
        elif groupby == "unit":
            keys.sort()
        return [
            dict(
                groups[key],
                bills=[
                    {"invoice": inv, "lines": lines}
                    for inv, lines in groups[key]["bills"].items()
                ],
            )
            for key in keys
        ]

    @http.route(
        ["/my/property-bills", "/my/property-bills/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_property_bills(
        self, page=1, filterby=None, groupby=None, unit=None, period=None, **kw
    ):
        filters = self._property_bill_filters()
        groupbys = self._property_bill_groupbys()
        filterby = filterby if filterby in filters else "all"
        groupby = groupby if groupby in groupbys else "period"

        bill_ids = self._property_bill_ids()
        units, periods = self._property_bill_options(bill_ids)
        selected_unit = request.env["property.unit"]
        if unit:
            selected_unit = units.filtered(lambda u: str(u.id) == str(unit))
            if not selected_unit:
                # not one of the tenant's units: never say whose it is
                return request.redirect("/my/property-bills")
        if period and period not in periods:
            return request.redirect("/my/property-bills")

        Move = request.env["account.move"].sudo()
        domain = [("id", "in", bill_ids), *filters[filterby]["domain"]]
        if selected_unit:
            domain.append(
                (
                    "invoice_line_ids.property_occupancy_id.unit_id",
                    "=",
                    selected_unit.id,
                )
            )
        if period:
            match = PERIOD_RE.match(period)
            first = date(int(match.group(1)), int(match.group(2)), 1)
            domain += [
                ("invoice_line_ids.property_period_start", ">=", first),
                ("invoice_line_ids.property_period_start", "<=", month_end(first)),
            ]
        count = Move.search_count(domain)
        url_args = {"filterby": filterby, "groupby": groupby}
        if selected_unit:
            url_args["unit"] = selected_unit.id
        if period:
            url_args["period"] = period
        pager = portal_pager(
            url="/my/property-bills",
            url_args=url_args,
            total=count,
            page=page,
            step=self._items_per_page,
        )
        bills = Move.search(
            domain,
            order="invoice_date desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_invoices_history"] = bills.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_bills",
                "groups": self._property_group_bills(
                    bills, groupby, unit=selected_unit, period=period
                ),
                "bill_count": count,
                "balances": self._property_balances(),
                "units": units,
                "periods": periods,
                "selected_unit": selected_unit,
                "selected_period": period or "",
                "pager": pager,
                "default_url": "/my/property-bills",
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_groupby": groupbys,
                "groupby": groupby,
            }
        )
        return request.render("property_billing.portal_my_property_bills", values)

    # ------------------------------------------------------------------
    # Ledger (statement of account)
    # ------------------------------------------------------------------
    def _property_ledger_kind(self, move):
        if move.move_type == "out_invoice":
            return request.env._("Bill")
        if move.move_type == "out_refund":
            return request.env._("Credit Note")
        if move.origin_payment_id or move.statement_line_id:
            return request.env._("Payment")
        return request.env._("Adjustment")

    def _property_ledger_sections(self, page):
        """One section per company: its lines of this page with the running
        balance (from the balance of the lines before the page)."""
        Line = request.env["account.move.line"].sudo()
        lines_all = Line.search(
            self._property_receivable_domain(), order="company_id, date, move_name, id"
        )
        pager = portal_pager(
            url="/my/property-bills/ledger",
            total=len(lines_all),
            page=page,
            step=LEDGER_PAGE_SIZE,
        )
        offset = pager["offset"]
        page_lines = lines_all[offset : offset + LEDGER_PAGE_SIZE]
        before = lines_all[:offset]
        sections = []
        for company in page_lines.company_id.sorted("id"):
            running = sum(
                before.filtered(lambda line, c=company: line.company_id == c).mapped(
                    "balance"
                )
            )
            opening = running
            rows = []
            for line in page_lines.filtered(
                lambda line, c=company: line.company_id == c
            ):
                running += line.balance
                move = line.move_id
                rows.append(
                    {
                        "date": line.date,
                        "reference": move.name,
                        "kind": self._property_ledger_kind(move),
                        "label": move.ref or line.name or "",
                        "url": move.get_portal_url()
                        if move.is_invoice(include_receipts=True)
                        else False,
                        "debit": line.debit,
                        "credit": line.credit,
                        "balance": company.currency_id.round(running),
                    }
                )
            sections.append(
                {
                    "company": company,
                    "currency": company.currency_id,
                    "opening": company.currency_id.round(opening),
                    "rows": rows,
                }
            )
        return sections, pager

    @http.route(
        ["/my/property-bills/ledger", "/my/property-bills/ledger/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_property_ledger(self, page=1, **kw):
        sections, pager = self._property_ledger_sections(page)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_ledger",
                "sections": sections,
                "balances": self._property_balances(),
                "pager": pager,
                "default_url": "/my/property-bills/ledger",
            }
        )
        return request.render("property_billing.portal_my_property_ledger", values)
