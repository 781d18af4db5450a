import base64
import io

import qrcode

from odoo import fields, models
from odoo.exceptions import UserError

from ..receipt import period_label


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
