"""Customer invoices of billing runs, and the journal items prepared for them.

A billing run creates its invoices with their journal items prepared up
front (``AccountMove._property_create_invoices``) and skips the per-invoice
synchronisation of ``account.move`` (``skip_invoice_sync``), most of an
invoice's creation cost.  Where core offers a method for a value, the
prepared path calls it, so that a module overriding it is followed:

- income account and taxes of a fee line: ``account.move.line``'s
  ``_compute_account_id`` and ``_compute_tax_ids`` (``_get_computed_taxes``)
  on a line in memory (``new``) of an invoice in memory of the run's
  journal, once per product and batch;
- amounts, tax lines and tax grids: the tax engine of ``account.tax``
  (``_prepare_base_line_for_taxes_computation``,
  ``_add_tax_details_in_base_lines``, ``_round_base_lines_tax_details``,
  ``_add_accounting_data_in_base_lines_tax_details``, ``_prepare_tax_lines``);
- amounts as stored: the fields' own ``convert_to_cache``.

What it cannot call (core computes it on a saved invoice only, or inside
the synchronisation it skips) or what would cost as much as the invoice
(the receivable account by core's compute on an invoice in memory: some
20 ms per payer) is restated; each restatement mirrors one core method of
/opt/odoo18/addons/account/models/:

==============================  ===========================================
Restated here                   Mirrors (file:function)
==============================  ===========================================
arguments of a fee line's base  account_move.py:
line (sign -1, rate 1, no       _prepare_product_base_line_for_taxes_computation
refund, tax_tag_invert)         account_move_line.py:_compute_tax_tag_invert
order of the tax engine's       account_move.py:_sync_tax_lines
calls, tax lines as created     (and account_tax.py:_prepare_tax_lines' use)
receivable account of the       account_move_line.py:_compute_account_id
payer                           (payment_term lines)
one receivable line, due on     account_move.py:_compute_needed_terms
invoice_date_due                (invoice without payment term)
no fiscal position when the     account_move.py:_compute_fiscal_position_id
company has none
posting (_property_post_        account_move.py:_post, whose writes would
invoices) changes no journal    run _sync_dynamic_lines once per invoice
item of an invoice in the
company's currency
the number format of a          sequence_mixin.py:_get_next_sequence_format,
sequence, read once per batch   keyed by what account_move.py's
(_get_next_sequence_format)     _get_last_sequence_domain and
                                _get_starting_sequence depend on
==============================  ===========================================

Invoices the prepared path does not build take Odoo's own path: payers with
a payment term or a fiscal position, cash-basis taxes, foreign currency,
discount allocation, cash rounding, lines other than product lines.

The restatements prove themselves at run time (``_property_self_check``):
in every batch the first invoice of each shape (journal, currency, fiscal
position, taxes, payment term) is also created by Odoo's own path in a
savepoint, compared journal item by journal item and in its totals, and
rolled back; on any difference the run notes it in its chatter and the
whole batch takes Odoo's own path.  The company setting
``property_billing_prepared_path`` turns the prepared path off.  The last
two rows (posting) are covered by tests (test_invoice_presync.py), not by
the run-time check.
"""

import base64
import io
import logging

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, html2plaintext, sql

from ..receipt import period_label

_logger = logging.getLogger(__name__)

# what the self-check compares of each journal item, and of the invoice
SELF_CHECK_LINE_FIELDS = (
    "display_type",
    "account_id",
    "partner_id",
    "debit",
    "credit",
    "amount_currency",
    "tax_ids",
    "tax_line_id",
    "tax_tag_ids",
    "date_maturity",
    "analytic_distribution",
)
SELF_CHECK_MOVE_FIELDS = (
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_total_signed",
    "invoice_date_due",
)


def _comparable(record, name):
    """``record[name]`` in a form two invoices' values compare by."""
    field, value = record._fields[name], record[name]
    if field.type == "many2one":
        return value.id
    if field.type in ("many2many", "one2many"):
        return tuple(sorted(value.ids))
    if field.type in ("float", "monetary"):
        return round(value, 6)
    return value or False


def _readable(record, name):
    """``record[name]`` as words for the run's chatter."""
    field, value = record._fields[name], record[name]
    if field.type in ("many2one", "many2many", "one2many"):
        return ", ".join(value.mapped("display_name")) or "-"
    if value is False or value is None:
        return "-"
    return str(value)


def qr_png_data_uri(value):
    """A QR code of ``value`` as a ``data:image/png;base64,...`` URI, for
    reports (wkhtmltopdf reads it without an HTTP round trip)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2
    )
    code.add_data(value)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class AccountMove(models.Model):
    _inherit = "account.move"

    # copied to credit notes: a reversal stays in its site's figures
    property_site_id = fields.Many2one("property.site", index="btree_not_null")
    property_billing_run_id = fields.Many2one(
        "property.billing.run",
        string="Billing Run",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    property_period_start = fields.Date(string="Billing Month")
    property_billing_key_ids = fields.One2many("property.billing.key", "move_id")
    # What the collection figures need to know of a customer invoice's or
    # credit note's reconciliations to tell what was paid of it as of a day
    # without reading them (see property.collection.report): as of the
    # latest reconciliation's date or later, what is settled on the bill is
    # what was paid of it, unless it was reconciled with another invoice or
    # a credit note.
    property_reconciled_date = fields.Date(
        string="Last Reconciled On",
        compute="_compute_property_reconciliation",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Date of the latest reconciliation of the bill's receivable.",
    )
    property_credit_reconciled = fields.Boolean(
        string="Reconciled with an Invoice",
        compute="_compute_property_reconciliation",
        store=True,
        copy=False,
        help="The bill's receivable was reconciled with another customer "
        "invoice or a credit note (which is not a payment).",
    )

    def _auto_init(self):
        # filled here in SQL rather than by the ORM over every entry of an
        # existing database (see _property_fill_reconciliation)
        cr = self.env.cr
        missing = not sql.column_exists(cr, self._table, "property_reconciled_date")
        if missing:
            sql.create_column(cr, self._table, "property_reconciled_date", "date")
            sql.create_column(cr, self._table, "property_credit_reconciled", "bool")
        res = super()._auto_init()
        if missing:
            self._property_fill_reconciliation()
            # (for the planner to find the few bills to look at by them)
            cr.execute(SQL("ANALYZE account_move"))
        return res

    def init(self):
        res = super().init()
        # the bills the collection figures look up the reconciliations of
        sql.create_index(
            self.env.cr,
            "account_move__property_credit_reconciled_index",
            self._table,
            ["id"],
            where="property_credit_reconciled",
        )
        return res

    @api.depends(
        "move_type",
        "line_ids.display_type",
        "line_ids.matched_debit_ids.max_date",
        "line_ids.matched_debit_ids.debit_move_id",
        "line_ids.matched_credit_ids.max_date",
        "line_ids.matched_credit_ids.credit_move_id",
    )
    def _compute_property_reconciliation(self):
        for move in self:
            if move.move_type not in ("out_invoice", "out_refund"):
                move.property_reconciled_date = False
                move.property_credit_reconciled = False
                continue
            receivable = move.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            )
            partials = receivable.matched_debit_ids | receivable.matched_credit_ids
            move.property_reconciled_date = max(
                partials.mapped("max_date"), default=False
            )
            # what each of the receivable's lines was reconciled with
            counterparts = self.env["account.move.line"].union(
                *(
                    partial.credit_move_id
                    if partial.debit_move_id == line
                    else partial.debit_move_id
                    for line in receivable
                    for partial in line.matched_debit_ids | line.matched_credit_ids
                )
            )
            move.property_credit_reconciled = any(
                move_type in ("out_invoice", "out_refund")
                for move_type in counterparts.move_id.mapped("move_type")
            )

    def _property_fill_reconciliation(self):
        """Set :meth:`_compute_property_reconciliation`'s fields of the
        customer invoices and credit notes (of ``self``, or all) from their
        reconciliations in SQL: for an existing database, and for data
        written in SQL (benchmarks)."""
        cr = self.env.cr
        only = SQL("AND move.id IN %s", tuple(self.ids)) if self else SQL()
        cr.execute(
            SQL(
                """
                WITH reconciled AS (
                    SELECT line.move_id,
                           MAX(partial.max_date) AS reconciled_date,
                           BOOL_OR(counterpart_move.move_type
                                   IN ('out_invoice', 'out_refund')) AS credited
                      FROM account_move_line line
                      JOIN account_partial_reconcile partial
                        ON line.id IN (partial.debit_move_id, partial.credit_move_id)
                      JOIN account_move_line counterpart
                        ON counterpart.id = CASE
                               WHEN partial.debit_move_id = line.id
                               THEN partial.credit_move_id
                               ELSE partial.debit_move_id END
                      JOIN account_move counterpart_move
                        ON counterpart_move.id = counterpart.move_id
                     WHERE line.display_type = 'payment_term'
                  GROUP BY line.move_id
                )
                UPDATE account_move move
                   SET property_reconciled_date = reconciled.reconciled_date,
                       property_credit_reconciled = COALESCE(reconciled.credited, FALSE)
                  FROM account_move this
                  LEFT JOIN reconciled ON reconciled.move_id = this.id
                 WHERE move.id = this.id
                   AND this.move_type IN ('out_invoice', 'out_refund') %s
                """,
                only,
            )
        )
        self.invalidate_model(
            ["property_reconciled_date", "property_credit_reconciled"]
        )

    # ------------------------------------------------------------------
    # Invoices of billing runs with their journal items prepared up front
    # (what is called and what is restated of core: the module docstring)
    # ------------------------------------------------------------------
    @api.model
    def _property_presync_setup(self, company, journal):
        """What the journal items of a run's customer invoices depend on
        beyond their lines, read once per batch; ``None`` when the company
        turned the prepared path off (``property_billing_prepared_path``) or
        uses a feature whose items only the invoice's own synchronisation
        knows how to build (foreign currency, discount allocation)."""
        if not company.property_billing_prepared_path:
            return None
        if journal.currency_id and journal.currency_id != company.currency_id:
            return None
        if company.account_discount_expense_allocation_id:
            return None
        Position = self.env["account.fiscal.position"].with_company(company)
        has_positions = bool(
            Position.search_count(Position._check_company_domain(company), limit=1)
        )
        return {
            "company": company,
            "journal": journal,
            "currency": company.currency_id,
            "has_positions": has_positions,
            "products": {},
            "partners": {},
            "partner_ids": (),
            # an invoice in memory (never saved) of the batch's journal, on
            # which new lines compute their account and taxes as core does
            "sample": None,
        }

    @api.model
    def _property_presync_product(self, setup, product):
        """``(income account, taxes)`` of ``product`` on an invoice without
        fiscal position, as an invoice line computes them (core's own
        ``_compute_account_id`` and ``_compute_tax_ids``, with whatever
        overrides them, on a line in memory), or ``None`` when a tax is due
        on payment (cash basis)."""
        products = setup["products"]
        if product.id not in products:
            company = setup["company"]
            if setup["sample"] is None:
                setup["sample"] = (
                    self.with_company(company)
                    .with_context(default_move_type="out_invoice")
                    .new(
                        {
                            "move_type": "out_invoice",
                            "company_id": company.id,
                            "journal_id": setup["journal"].id,
                            "currency_id": setup["currency"].id,
                            "fiscal_position_id": False,
                        }
                    )
                )
            line = self.env["account.move.line"].new(
                {
                    "move_id": setup["sample"].id,
                    "display_type": "product",
                    "product_id": product.id,
                }
            )
            account = line.account_id or setup["journal"].default_account_id
            taxes = line.tax_ids
            flat = taxes.flatten_taxes_hierarchy()
            cash_basis = any(tax.tax_exigibility == "on_payment" for tax in flat)
            products[product.id] = None if cash_basis else (account, taxes)
        return products[product.id]

    @api.model
    def _property_presync_partner(self, setup, partner):
        """The receivable account of ``partner``, or ``None`` when its
        invoices take a payment term or a fiscal position (restated:
        ``_compute_account_id`` of the receivable line)."""
        partners = setup["partners"]
        if partner.id not in partners:
            company = setup["company"]
            partner = partner.with_company(company)
            commercial = partner.commercial_partner_id
            receivable = (
                commercial.property_account_receivable_id
                or company.partner_id.with_company(
                    company
                ).property_account_receivable_id
            )
            position = setup["has_positions"] and self.env[
                "account.fiscal.position"
            ].with_company(company)._get_fiscal_position(partner)
            partners[partner.id] = (
                None
                if position or partner.property_payment_term_id or not receivable
                else (commercial, receivable)
            )
        return partners[partner.id]

    @api.model
    def _property_presynced_vals(self, setup, vals):
        """``vals`` of a customer invoice (``invoice_line_ids`` of product
        lines) rewritten with all its journal items, computed by Odoo's tax
        engine as the invoice's own synchronisation would: product lines
        with their balances and tax grids, one line per tax repartition and
        the receivable line due on ``invoice_date_due``.  Created with
        ``skip_invoice_sync``, they spare the per-invoice synchronisation,
        most of an invoice's creation cost.  ``None`` when the invoice
        needs something this does not build (payment term, fiscal
        position, cash-basis tax, discount allocation, foreign currency):
        such invoices are created the usual way."""
        prepared = self._property_prepare(setup, vals)
        return prepared and prepared[0]

    @api.model
    def _property_prepare(self, setup, vals):
        """``(presynced vals, shape)`` of :meth:`_property_presynced_vals`,
        the shape being what the journal items depend on beyond amounts
        (journal, currency, fiscal position, taxes, payment term): the
        self-check builds one invoice of each shape Odoo's way."""
        if setup is None or vals.get("move_type") != "out_invoice":
            return None
        if any(
            vals.get(key)
            for key in (
                "line_ids",
                "currency_id",
                "invoice_payment_term_id",
                "fiscal_position_id",
                "invoice_cash_rounding_id",
            )
        ):
            return None
        if not (vals.get("invoice_date") and vals.get("invoice_date_due")):
            return None
        # the batch's payers are read together (prefetch), not one by one
        partner = (
            self.env["res.partner"]
            .browse(vals.get("partner_id"))
            .with_prefetch(setup["partner_ids"])
        )
        payer = partner and self._property_presync_partner(setup, partner)
        if not payer:
            return None
        commercial, receivable = payer
        AccountTax = self.env["account.tax"]
        Product = self.env["product.product"]
        currency = setup["currency"]
        company = setup["company"]
        Line = self.env["account.move.line"]
        base_lines, product_vals, all_taxes = [], [], AccountTax
        for command in vals.get("invoice_line_ids") or []:
            if command[0] != Command.CREATE or command[2].get("display_type"):
                return None
            # amounts as the line will store them (rounded to their digits)
            line_vals = {
                **command[2],
                **{
                    name: Line._fields[name].convert_to_cache(
                        command[2].get(name, default), Line
                    )
                    for name, default in (
                        ("price_unit", 0.0),
                        ("quantity", 1.0),
                        ("discount", 0.0),
                    )
                },
            }
            product = Product.browse(line_vals.get("product_id"))
            found = product and self._property_presync_product(setup, product)
            if not found:
                return None
            account, taxes = found
            all_taxes |= taxes
            # restated: account.move's _prepare_product_base_line_for_taxes_computation
            base_lines.append(
                AccountTax._prepare_base_line_for_taxes_computation(
                    None,
                    product_id=product,
                    product_uom_id=product.uom_id,
                    tax_ids=taxes,
                    price_unit=line_vals["price_unit"],
                    quantity=line_vals["quantity"],
                    discount=line_vals["discount"],
                    currency_id=currency,
                    partner_id=commercial,
                    account_id=account,
                    analytic_distribution=line_vals.get("analytic_distribution"),
                    sign=-1,
                    is_refund=False,
                    tax_tag_invert=bool(taxes),
                    rate=1.0,
                )
            )
            product_vals.append(
                {
                    **line_vals,
                    "display_type": "product",
                    "account_id": account.id,
                    "tax_ids": [Command.set(taxes.ids)],
                }
            )
        if not base_lines:
            return None
        # restated: the steps of account.move's _sync_tax_lines
        AccountTax._add_tax_details_in_base_lines(base_lines, company)
        AccountTax._round_base_lines_tax_details(base_lines, company)
        AccountTax._add_accounting_data_in_base_lines_tax_details(base_lines, company)
        results = AccountTax._prepare_tax_lines(base_lines, company)
        line_ids, total = [], 0.0
        for line_vals, (_base_line, amounts) in zip(
            product_vals, results["base_lines_to_update"], strict=True
        ):
            line_ids.append(Command.create({**line_vals, **amounts}))
            total += amounts["balance"]
        for tax_vals in results["tax_lines_to_add"]:
            line_ids.append(Command.create({**tax_vals, "display_type": "tax"}))
            total += tax_vals["balance"]
        total = currency.round(-total)
        # restated: account.move's _compute_needed_terms without payment term
        line_ids.append(
            Command.create(
                {
                    "display_type": "payment_term",
                    "account_id": receivable.id,
                    "balance": total,
                    "amount_currency": total,
                    "date_maturity": vals["invoice_date_due"],
                    "discount_date": False,
                    "discount_balance": 0.0,
                    "discount_amount_currency": 0.0,
                }
            )
        )
        presynced = {
            key: value for key, value in vals.items() if key != "invoice_line_ids"
        }
        presynced["line_ids"] = line_ids
        shape = (
            vals.get("journal_id"),
            currency.id,
            False,  # fiscal position: none on the prepared path
            tuple(sorted(all_taxes.ids)),
            False,  # payment term: none on the prepared path
        )
        return presynced, shape

    @api.model
    def _property_create_invoices(self, vals_list, report_to=None):
        """Create the customer invoices of ``vals_list``, those that can be
        with their journal items prepared up front
        (:meth:`_property_presynced_vals`), the others the usual way; the
        payer follows their invoice from its creation (posting would
        subscribe them one invoice at a time).

        The prepared path checks itself (:meth:`_property_self_check`): the
        first invoice of each shape is also built Odoo's own way in a
        savepoint and compared; on any difference, noted on ``report_to``
        (a record with a chatter, the billing run), every invoice of the
        batch is created Odoo's own way."""
        setup = None
        if vals_list:
            setup = self._property_presync_setup(
                self.env.company,
                self.env["account.journal"].browse(vals_list[0].get("journal_id")),
            )
        if setup:
            setup["partner_ids"] = tuple(
                {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
            )
        fast, usual, samples = [], [], {}
        for vals in vals_list:
            prepared = self._property_prepare(setup, vals)
            if prepared:
                fast.append(prepared[0])
                samples.setdefault(prepared[1], (vals, prepared[0]))
            else:
                usual.append(vals)
        for vals, presynced in samples.values():
            difference = self._property_self_check(vals, presynced)
            if difference:
                self._property_report_difference(report_to, vals, difference)
                fast, usual = [], vals_list
                break
        moves = self.browse()
        if fast:
            moves |= self.with_context(skip_invoice_sync=True).create(fast)
        if usual:
            moves |= self.with_context(skip_invoice_sync=False).create(usual)
        moves = self.browse(moves.ids)
        moves._property_add_payer_followers()
        return moves

    @api.model
    def _property_self_check(self, vals, presynced):
        """Create the invoice of ``vals`` both ways, prepared
        (``presynced``) and by Odoo's own path (the ORM's usual create),
        in a savepoint that is rolled back; compare their journal items
        and totals.  ``None`` when they are the same, else
        ``(field, what, prepared value, Odoo's value)`` of the first
        difference."""
        savepoint = self.env.cr.savepoint()
        try:
            prepared = self.with_context(skip_invoice_sync=True).create(
                self._property_copy_vals(presynced)
            )
            odoo = self.with_context(skip_invoice_sync=False).create(
                self._property_copy_vals(vals)
            )
            return self._property_compare(prepared, odoo)
        finally:
            # rolled back whatever happens: neither invoice is kept
            savepoint.close(rollback=True)

    @api.model
    def _property_copy_vals(self, vals):
        """A copy of invoice ``vals`` whose commands ``create`` may change
        in place."""
        copied = dict(vals)
        for key in ("line_ids", "invoice_line_ids"):
            if key in copied:
                copied[key] = [
                    (command[0], command[1], dict(command[2]))
                    if isinstance(command[2], dict)
                    else tuple(command)
                    for command in copied[key]
                ]
        return copied

    @api.model
    def _property_compare(self, prepared, odoo):
        """The first difference between two invoices, journal item by
        journal item (the items of a kind in a stable order), then totals:
        ``(field name, which item, prepared value, Odoo's value)`` as
        words, or ``None``."""

        def sort_key(line):
            return (
                line.id if line.display_type == "product" else 0,
                line.tax_line_id.id or 0,
                line.tax_repartition_line_id.id or 0,
                line.account_id.id,
                str(line.date_maturity),
                tuple(sorted(line.tax_ids.ids)),
                round(line.balance, 6),
            )

        Line = self.env["account.move.line"]
        kinds = dict(Line._fields["display_type"]._description_selection(self.env))
        for kind in sorted(
            set(prepared.line_ids.mapped("display_type"))
            | set(odoo.line_ids.mapped("display_type"))
        ):
            ours = prepared.line_ids.filtered(
                lambda line, kind=kind: line.display_type == kind
            ).sorted(sort_key)
            theirs = odoo.line_ids.filtered(
                lambda line, kind=kind: line.display_type == kind
            ).sorted(sort_key)
            what = kinds.get(kind, kind)
            if len(ours) != len(theirs):
                return ("line_ids", what, len(ours), len(theirs))
            for our_line, their_line in zip(ours, theirs, strict=True):
                for name in SELF_CHECK_LINE_FIELDS:
                    if _comparable(our_line, name) != _comparable(their_line, name):
                        return (
                            name,
                            what,
                            _readable(our_line, name),
                            _readable(their_line, name),
                        )
        for name in SELF_CHECK_MOVE_FIELDS:
            if _comparable(prepared, name) != _comparable(odoo, name):
                return (
                    name,
                    self.env._("totals"),
                    _readable(prepared, name),
                    _readable(odoo, name),
                )
        return None

    @api.model
    def _property_report_difference(self, report_to, vals, difference):
        """Note on ``report_to`` (once per run and difference) and in the
        server log that the prepared invoices of a batch differ from Odoo's
        own, naming the field and both values."""
        name, what, ours, theirs = difference
        field = self.env["account.move.line"]._fields.get(name) or self._fields[name]
        body = self.env._(
            "Prepared invoices differ from Odoo's own (%(what)s): %(field)s is "
            "%(prepared)s prepared, %(odoo)s by Odoo. The batch was created by "
            "Odoo's own path.",
            what=what,
            field=field._description_string(self.env),
            prepared=ours,
            odoo=theirs,
        )
        _logger.warning(
            "Billing: invoice of partner %s: %s", vals.get("partner_id"), body
        )
        if not report_to:
            return
        posted = report_to.message_ids.filtered(
            lambda message: html2plaintext(message.body or "").strip() == body
        )
        if not posted:
            report_to.message_post(body=body)

    def _property_add_payer_followers(self):
        """Make each invoice's payer a follower, with the subtypes posting
        would give them, in one go (posting subscribes them one invoice at
        a time)."""
        Subtype = self.env["mail.message.subtype"]
        default, _internal, external = Subtype.default_subtypes(self._name)
        user_partner = self.env.user.partner_id
        follower_vals = []
        for move in self:
            partner = move.partner_id
            if not partner.active or partner == user_partner:
                continue
            subtypes = external if partner.partner_share else default
            follower_vals.append(
                {
                    "res_model": self._name,
                    "res_id": move.id,
                    "partner_id": partner.id,
                    "subtype_ids": [Command.set(subtypes.ids)],
                }
            )
        self.env["mail.followers"].sudo().create(follower_vals)

    def _property_post_invoices(self):
        """Post invoices of a billing run together.  Posting changes no
        journal item of an invoice in the company's currency, so their
        synchronisation is skipped (posting writes each invoice on its own,
        which would run it once per invoice), and the number format of a
        sequence is worked out once for the batch rather than with several
        queries per invoice (:meth:`_get_next_sequence_format`)."""
        company_currency = self.filtered(
            lambda move: move.currency_id == move.company_id.currency_id
        )
        memo = {}
        # nor is their balance checked on each of posting's per-invoice
        # writes: once for the batch, below
        company_currency.with_context(
            skip_invoice_sync=True,
            check_move_validity=False,
            property_sequence_memo=memo,
        ).action_post()
        if company_currency and self._get_unbalanced_moves(
            {"records": company_currency}
        ):
            raise UserError(self.env._("The entry is not balanced."))
        (self - company_currency).with_context(
            property_sequence_memo=memo
        ).action_post()

    def _get_next_sequence_format(self):
        # While a batch is posted (_property_post_invoices), the format of the
        # next number and the last number (which core's transaction cache of
        # _locked_increment then increments) are read once per sequence: per
        # journal, date, type, payment or not and starting sequence (the hook
        # by which debit notes and localisations give their documents a
        # prefix of their own).  Without it, posting costs three more queries
        # per invoice (_get_last_sequence and its reference searches), whose
        # cost grows with the journal: +5.7 ms of database CPU per invoice
        # over a run of 2,000 (benchmarks/bench_billing.py).  Should core's
        # cache be cleared meanwhile, _locked_increment's unique-constraint
        # retry still finds the next free number.
        memo = self.env.context.get("property_sequence_memo")
        if memo is None:
            return super()._get_next_sequence_format()
        key = (
            self.journal_id.id,
            self.date,
            self.move_type,
            bool(self.origin_payment_id),
            self._get_starting_sequence(),
        )
        if key not in memo:
            memo[key] = super()._get_next_sequence_format()
        format_string, format_values = memo[key]
        return format_string, dict(format_values)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._release_reversed_keys()
        return posted

    def _release_reversed_keys(self):
        """A posted credit note reversing billed lines gives their periods
        back: the same fee can then be billed again (corrected)."""
        refunds = self.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        if not refunds:
            return
        Key = self.env["property.billing.key"].sudo()
        for refund in refunds:
            credited = {
                (
                    line.property_occupancy_id.id,
                    line.property_fee_item_id.id,
                    line.property_period_start,
                    line.property_one_off_charge_id.id,
                )
                for line in refund.invoice_line_ids
                if line.property_occupancy_id and line.property_fee_item_id
            }
            if not credited:
                continue
            keys = Key.search([("move_id", "=", refund.reversed_entry_id.id)])
            keys.filtered(
                lambda k, credited=credited: (
                    (
                        k.occupancy_id.id,
                        k.item_id.id,
                        k.period_start,
                        k.one_off_charge_id.id,
                    )
                    in credited
                )
            ).unlink()

    def button_cancel(self):
        result = super().button_cancel()
        self.env["property.billing.key"].sudo().search(
            [("move_id", "in", self.filtered(lambda m: m.state == "cancel").ids)]
        ).unlink()
        return result

    property_late_fee_ids = fields.One2many(
        "property.late.fee",
        "invoice_id",
        string="Late Fee Accruals",
        groups="property_billing.group_property_fee_collector",
    )
    property_dunning_ids = fields.One2many(
        "property.dunning",
        "invoice_id",
        string="Dunning History",
        groups="property_billing.group_property_fee_collector",
    )
    property_dunning_count = fields.Integer(
        compute="_compute_property_dunning_count",
        groups="property_billing.group_property_fee_collector",
    )
    property_late_fee_count = fields.Integer(
        compute="_compute_property_dunning_count",
        groups="property_billing.group_property_fee_collector",
    )

    def _compute_property_dunning_count(self):
        dunnings = dict(
            self.env["property.dunning"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        )
        fees = dict(
            self.env["property.late.fee"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        )
        for move in self:
            move.property_dunning_count = dunnings.get(move, 0)
            move.property_late_fee_count = fees.get(move, 0)

    def _property_occupancies(self):
        return self.invoice_line_ids.property_occupancy_id

    def action_property_waive_late_fees(self):
        """Ask for the waiver of the late fees of this bill's tenant
        archives in their next billing run: a draft waiver per archive, to be
        submitted to a billing manager."""
        self.ensure_one()
        occupancies = self._property_occupancies()
        if self.move_type != "out_invoice" or self.state != "posted" or not occupancies:
            raise UserError(
                self.env._("Late fees are waived on posted property bills only.")
            )
        LateFee = self.env["property.late.fee"]
        item = LateFee._late_fee_item(self.company_id)
        today = fields.Date.context_today(self)
        waivers = self.env["property.fee.waiver"]
        for occupancy in occupancies:
            date_from, date_to = LateFee._next_late_fee_period(occupancy, item, today)
            waivers |= LateFee._create_late_fee_waiver(
                occupancy,
                item,
                date_from,
                date_to,
                self.env._("Late fees on %(invoice)s", invoice=self.name),
            )
        return LateFee._open_waivers(waivers)

    def action_property_view_dunning(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_dunning_action"
        )
        action["domain"] = [("invoice_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_property_view_late_fees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_late_fee_action"
        )
        action["domain"] = [("invoice_id", "=", self.id)]
        action["context"] = {}
        return action

    def _property_is_bill(self):
        """A customer invoice of property fees (from a billing run, or with
        fee item lines)."""
        self.ensure_one()
        return self.is_sale_document(include_receipts=True) and bool(
            self.property_billing_run_id
            or any(line.property_fee_item_id for line in self.invoice_line_ids)
        )

    def _property_payment_url(self):
        """Absolute URL of the portal page of this invoice, opened on its
        payment dialog, with the access token: anyone holding the printed
        bill can pay it without logging in."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url(
            query_string="&payment=True", anchor="portal_pay"
        )

    def _property_payment_qr(self):
        """The QR code printed on the bill (data URI), or False when the
        bill is not a property bill or has nothing left to pay."""
        self.ensure_one()
        if (
            self.state != "posted"
            or self.move_type != "out_invoice"
            or self.currency_id.is_zero(self.amount_residual)
            or not self._property_is_bill()
        ):
            return False
        return qr_png_data_uri(self._property_payment_url())

    def _property_line_period(self, line):
        """The billed period of an invoice line, as tenants read it."""
        return period_label(line.property_period_start, line.property_period_end)
