"""Opening invoices with their journal items prepared up front.

An opening invoice has no taxes, no payment term and no fiscal position:
its product lines book ``-amount`` on the opening-balance account and one
receivable line books the total, due on the opening date.  Writing them
directly and creating the invoice with core's ``skip_invoice_sync`` (as
property_billing's prepared path does for billing runs) saves most of an
invoice's creation cost (two thirds of the apply of 10,000 archives).

The prepared path checks itself: :func:`journal_items` of the first invoice
of each apply is compared with the same invoice made by Odoo's own path
(in a savepoint, rolled back); on any difference the whole apply takes
Odoo's path and the difference is logged."""

from odoo import Command

# what the self-check compares of each journal item
ITEM_FIELDS = (
    "display_type",
    "account_id",
    "partner_id",
    "debit",
    "credit",
    "amount_currency",
    "date_maturity",
    "tax_ids",
    "name",
)


def prepared_vals(vals, receivable, currency):
    """``vals`` of an invoice (``invoice_line_ids`` of product lines, no
    taxes) as ``line_ids`` with their amounts and the receivable line."""
    line_ids, total = [], 0.0
    for _command, _id, line in vals["invoice_line_ids"]:
        amount = currency.round(line["quantity"] * line["price_unit"])
        total += amount
        line_ids.append(
            Command.create(
                {
                    **line,
                    "display_type": "product",
                    "balance": -amount,
                    "amount_currency": -amount,
                }
            )
        )
    total = currency.round(total)
    line_ids.append(
        Command.create(
            {
                "display_type": "payment_term",
                "account_id": receivable.id,
                "balance": total,
                "amount_currency": total,
                "name": "",
                "date_maturity": vals["invoice_date_due"],
            }
        )
    )
    prepared = {key: value for key, value in vals.items() if key != "invoice_line_ids"}
    prepared["line_ids"] = line_ids
    return prepared


def journal_items(move):
    """The journal items of ``move`` in comparable form, and its totals."""
    items = sorted(
        tuple(str(line[name] or False) for name in ITEM_FIELDS)
        for line in move.line_ids
    )
    return items, (
        move.amount_total,
        move.amount_residual,
        move.amount_untaxed,
        move.invoice_date_due,
    )


def differs(Move, vals, receivable, currency):
    """Whether the prepared invoice of ``vals`` differs from Odoo's own
    (both built in a savepoint and rolled back): ``(prepared, odoo)`` or
    ``None``."""
    with Move.env.cr.savepoint(flush=True) as savepoint:
        fast = Move.with_context(skip_invoice_sync=True).create(
            prepared_vals(vals, receivable, currency)
        )
        odoo = Move.create(vals)
        ours, theirs = journal_items(fast), journal_items(odoo)
        savepoint.rollback()
    Move.env.invalidate_all()
    return None if ours == theirs else (ours, theirs)
