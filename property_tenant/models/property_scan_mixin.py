import secrets

from odoo import fields, models
from odoo.tools import SQL


def new_scan_token():
    """A random, unguessable token for the QR label of a place."""
    return secrets.token_urlsafe(24)


class PropertyScanMixin(models.AbstractModel):
    """A place with a printed QR label (a unit, a public spot): the label
    carries ``scan_token``, the secret that identifies the place when the
    code is scanned. Regenerating it revokes every label printed before."""

    _name = "property.scan.mixin"
    _description = "Place with a QR Label"

    scan_token = fields.Char(
        string="Label Token",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: new_scan_token(),
        groups="property_tenant.group_property_agent",
        help="Secret of the printed QR label. Regenerate it when a label was "
        "stolen or misplaced: the labels printed before stop working.",
    )

    # the unique constraint is also the index the scan route searches with
    _sql_constraints = [
        (
            "scan_token_uniq",
            "unique(scan_token)",
            "Two places cannot share a QR label token. Regenerate the token.",
        ),
    ]

    def _init_column(self, column_name):
        # existing rows of a new column each get their own token, not one
        # default value shared by all of them
        if column_name != "scan_token":
            return super()._init_column(column_name)
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET scan_token = "
                "replace(gen_random_uuid()::text, '-', '') "
                "WHERE scan_token IS NULL",
                table=SQL.identifier(self._table),
            )
        )
        return None

    def action_regenerate_scan_token(self):
        """New labels must be printed: the old ones lead nowhere (404)."""
        for place in self:
            place.scan_token = new_scan_token()
        return True
