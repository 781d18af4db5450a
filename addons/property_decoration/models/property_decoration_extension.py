from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

EXTENSION_STATES = [
    ("draft", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]


class PropertyDecorationExtension(models.Model):
    """A request to finish the works later: approved by the supervisor, it
    moves the planned end."""

    _name = "property.decoration.extension"
    _description = "Decoration Extension Request"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    decoration_id = fields.Many2one(
        "property.decoration",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="decoration_id.company_id", store=True, index=True
    )
    current_end = fields.Date(related="decoration_id.date_end", string="Current End")
    new_end = fields.Date(required=True, tracking=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        EXTENSION_STATES, required=True, default="draft", tracking=True, copy=False
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    refuse_reason = fields.Text(tracking=True, copy=False)

    @api.constrains("new_end", "decoration_id")
    def _check_new_end(self):
        for extension in self.filtered(lambda e: e.state == "draft"):
            decoration = extension.decoration_id
            if decoration.state not in ("permitted", "works"):
                raise ValidationError(
                    self.env._(
                        "An extension can be asked only while the works of "
                        "%(name)s are permitted or under way.",
                        name=decoration.display_name,
                    )
                )
            if decoration.date_end and extension.new_end <= decoration.date_end:
                raise ValidationError(
                    self.env._(
                        "The new end (%(new)s) must be after the planned end "
                        "(%(end)s) of %(name)s.",
                        new=extension.new_end,
                        end=decoration.date_end,
                        name=decoration.display_name,
                    )
                )

    def _check_supervisor(self):
        if not self.env.su and not self.env.user.has_group(
            "property_tenant.group_property_supervisor"
        ):
            raise AccessError(
                self.env._("Only a service supervisor decides on extensions.")
            )
        if any(extension.state != "draft" for extension in self):
            raise UserError(self.env._("This extension request is already decided."))

    def action_approve(self):
        self._check_supervisor()
        for extension in self:
            decoration = extension.decoration_id
            decoration.date_end = extension.new_end
            # the permit in the archive is valid until the new end
            decoration.permit_document_id.sudo().expiry_date = extension.new_end
        self.write({"state": "approved", "decided_by_id": self.env.user.id})
        return True

    def action_refuse(self):
        self._check_supervisor()
        if any(not (extension.refuse_reason or "").strip() for extension in self):
            raise UserError(self.env._("Write why the extension is refused."))
        self.write({"state": "refused", "decided_by_id": self.env.user.id})
        return True
