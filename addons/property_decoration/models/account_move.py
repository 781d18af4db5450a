from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        """A fee of a decoration paid (portal or counter): the deposit is
        held, and the permit is issued once every fee is paid."""
        res = super()._invoice_paid_hook()
        if "property.charge.one.off" in self.env:
            charges = (
                self.env["property.charge.one.off"]
                .sudo()
                .search(
                    [
                        ("move_id", "in", self.ids),
                        ("res_model", "=", "property.decoration"),
                    ]
                )
            )
            decorations = (
                self.env["property.decoration"]
                .sudo()
                .browse(set(charges.mapped("res_id")))
                .exists()
            )
            decorations._on_charges_paid()
        return res
