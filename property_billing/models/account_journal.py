import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

_logger = logging.getLogger(__name__)

COUNTER_METHODS = [
    ("cash", "Cash"),
    ("card", "Bank Card"),
    ("wechat", "WeChat Pay"),
    ("alipay", "Alipay"),
]

# journals created for the counter methods a chart does not give:
# (method, journal type, code)
COUNTER_JOURNALS = [
    ("cash", "cash", "CSH"),
    ("card", "bank", "CARD"),
    ("wechat", "bank", "WXP"),
    ("alipay", "bank", "ALP"),
]


class AccountJournal(models.Model):
    _inherit = "account.journal"

    property_counter_method = fields.Selection(
        COUNTER_METHODS,
        string="Counter Payment Method",
        help="Offered at the fee counter for payments by this method "
        "(cash, bank card, WeChat Pay, Alipay).",
    )

    @api.constrains("property_counter_method", "type")
    def _check_property_counter_method(self):
        for journal in self:
            if journal.property_counter_method and journal.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "Journal %(journal)s cannot take counter payments: "
                        "only cash and bank journals can.",
                        journal=journal.display_name,
                    )
                )

    @api.model
    def _property_setup_counter_journals(self, companies=None):
        """Give each company that uses the fee app (has a site) and has a
        chart of accounts one journal per counter method: its first cash
        journal for cash, new bank journals "Bank Card" (CARD), "WeChat Pay"
        (WXP) and "Alipay" (ALP) for the others.  Called when a company
        creates a site, gets its chart, and from the settings button;
        methods that already have a journal are left alone, so it can be
        called again at any time.  ``companies`` defaults to every company
        with a site; a company without a site gets nothing."""
        companies = (companies or self.env["res.company"].search([])).filtered(
            "chart_template"
        )
        companies = (
            self.env["property.site"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids)], [], ["company_id:recordset"]
            )[0][0]
        )
        Journal = self.sudo().with_context(active_test=False)
        labels = dict(
            self._fields["property_counter_method"]._description_selection(self.env)
        )
        created = self.browse()
        for company in companies:
            company_domain = Journal._check_company_domain(company)
            for method, journal_type, code in COUNTER_JOURNALS:
                if Journal.search_count(
                    [*company_domain, ("property_counter_method", "=", method)], limit=1
                ):
                    continue
                if method == "cash":
                    cash = Journal.search(
                        [*company_domain, ("type", "=", "cash"), ("active", "=", True)],
                        order="sequence, id",
                        limit=1,
                    )
                    if cash:
                        cash.property_counter_method = method
                        continue
                journal = Journal.create(
                    {
                        "name": labels[method],
                        "code": Journal._property_free_code(company, code),
                        "type": journal_type,
                        # after the chart's own bank journal, which stays the
                        # default one (online payment providers, statements)
                        "sequence": 50,
                        "company_id": company.id,
                        "property_counter_method": method,
                    }
                )
                _logger.info(
                    "Counter journal %s (%s) created for company %s",
                    journal.code,
                    method,
                    company.name,
                )
                created |= journal
        return created

    @api.model
    def _property_free_code(self, company, code):
        """``code``, or ``code`` with a number when another journal of the
        company uses it already (codes are at most 5 characters)."""
        used = set(
            self.with_context(active_test=False)
            .search(
                [
                    *self._check_company_domain(company),
                    ("code", "=like", f"{code[:3]}%"),
                ]
            )
            .mapped("code")
        )
        if code not in used:
            return code
        for number in range(1, 100):
            candidate = f"{code[:3]}{number}"
            if candidate not in used:
                return candidate
        return code

    def action_property_setup_counter_journals(self):
        """List button: create the missing counter journals of the current
        companies and show the counter journals.  Billing and accounting
        managers only: the journals are created whatever the user's rights
        on journals."""
        user = self.env.user
        if not (
            user.has_group("property_billing.group_property_billing_manager")
            or user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only billing managers and accounting managers can set up "
                    "counter journals."
                )
            )
        self._property_setup_counter_journals(self.env.companies)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.account_journal_action_property_counter"
        )
