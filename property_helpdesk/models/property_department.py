from odoo import api, fields, models

DEPARTMENT_KINDS = [
    ("engineering", "Engineering"),
    ("security", "Security"),
    ("cleaning", "Cleaning"),
    ("service", "Service Desk"),
    ("other", "Other"),
]


class PropertyDepartment(models.Model):
    _name = "property.department"
    _description = "Property Department"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(DEPARTMENT_KINDS, required=True, default="other")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    head_id = fields.Many2one(
        "res.users",
        string="Department Head",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    member_ids = fields.Many2many(
        "res.users",
        "property_department_member_rel",
        "department_id",
        "user_id",
        string="Members",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    default_user_id = fields.Many2one(
        "res.users",
        string="Default Assignee",
        check_company=True,
        domain="[('share', '=', False)]",
        help="On-duty technician who receives new work orders of this "
        "department unless another person is chosen.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Service-level deadlines are counted in these working hours.",
    )
    color = fields.Integer()
    work_order_ids = fields.One2many("property.work.order", "department_id")
    open_work_order_count = fields.Integer(compute="_compute_open_work_order_count")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A department with this name already exists in this company.",
        ),
    ]

    def _assignee(self, moment=None):
        """Who receives a new work order of the department: the technician
        on duty (值班), else the default assignee, else the head."""
        self.ensure_one()
        return (
            self.env["property.duty"].sudo()._on_duty(self, moment)
            or self.default_user_id
            or self.head_id
        )

    @api.depends("work_order_ids.state")
    def _compute_open_work_order_count(self):
        counts = {
            department.id: count
            for department, count in self.env["property.work.order"]._read_group(
                [
                    ("department_id", "in", self.ids),
                    ("state", "in", ("assigned", "in_progress")),
                ],
                ["department_id"],
                ["__count"],
            )
        }
        for department in self:
            department.open_work_order_count = counts.get(department.id, 0)

    @api.onchange("head_id")
    def _onchange_head_id(self):
        if self.head_id and self.head_id not in self.member_ids:
            self.member_ids |= self.head_id

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_work_order_action"
        )
        action["domain"] = [("department_id", "=", self.id)]
        action["context"] = {"default_department_id": self.id}
        return action
