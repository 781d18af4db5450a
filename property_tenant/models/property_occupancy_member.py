from markupsafe import Markup

from odoo import api, fields, models

RELATIONS = [
    ("self", "Tenant Themselves"),
    ("spouse", "Spouse"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("relative", "Other Relative"),
    ("staff", "Staff Member"),
    ("manager", "Store / Office Manager"),
    ("other", "Other"),
]

ID_TYPES = [
    ("id_card", "Resident ID Card"),
    ("passport", "Passport"),
    ("hk_macau_permit", "Hong Kong / Macau Permit"),
    ("taiwan_permit", "Taiwan Permit"),
    ("residence_permit", "Foreigner Residence Permit"),
    ("other", "Other"),
]


class PropertyOccupancyMember(models.Model):
    _name = "property.occupancy.member"
    _description = "Household or Staff Member"
    _order = "occupancy_id, sequence, id"
    _check_company_auto = True

    occupancy_id = fields.Many2one(
        "property.occupancy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    relation = fields.Selection(RELATIONS, required=True, default="other")
    phone = fields.Char()
    id_type = fields.Selection(ID_TYPES, string="ID Type")
    id_number = fields.Char(string="ID Number", groups="base.group_user")
    birth_year = fields.Integer(
        help="Helps the community team plan activities for children and the elderly."
    )
    active = fields.Boolean(default=True)

    # ------------------------------------------------------------------
    # The archive's chatter tells every change of its members (R-ARC-5)
    # ------------------------------------------------------------------
    def _tracked_values(self):
        """The tracked facts of the member as shown in the archive's
        chatter; the ID number only by its last four characters."""
        self.ensure_one()
        relations = dict(self._fields["relation"]._description_selection(self.env))
        number = self.sudo().id_number or ""
        return {
            self.env._("Name"): self.name or "",
            self.env._("Relation"): relations.get(self.relation, ""),
            self.env._("ID Number"): f"…{number[-4:]}" if number else "",
        }

    def _log_on_archive(self, body):
        for member in self:
            member.occupancy_id._message_log(body=body(member))

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._log_on_archive(
            lambda m: self.env._(
                "Member added: %(name)s (%(relation)s)",
                name=m.name,
                relation=m._tracked_values()[self.env._("Relation")],
            )
        )
        return members

    def write(self, vals):
        tracked = {"name", "relation", "id_number", "active"} & set(vals)
        before = {member.id: member._tracked_values() for member in self}
        was_active = {member.id: member.active for member in self}
        result = super().write(vals)
        if not tracked:
            return result
        for member in self:
            if "active" in vals and was_active[member.id] != member.active:
                member.occupancy_id._message_log(
                    body=self.env._("Member removed: %s", member.name)
                    if not member.active
                    else self.env._("Member restored: %s", member.name)
                )
            after = member._tracked_values()
            changes = [
                (label, old, after[label])
                for label, old in before[member.id].items()
                if old != after[label]
            ]
            if changes:
                items = Markup("").join(
                    Markup("<li>%s: %s → %s</li>") % change for change in changes
                )
                member.occupancy_id._message_log(
                    body=Markup("%s<ul>%s</ul>")
                    % (self.env._("Member %s changed:", member.name), items)
                )
        return result

    def unlink(self):
        for member in self:
            member.occupancy_id._message_log(
                body=self.env._("Member removed: %s", member.name)
            )
        return super().unlink()
