from odoo import api, fields, models

# The set-up of a new site, in order: (step, action of the step).
ONBOARDING_STEPS = [
    ("company", "base.action_res_company_form"),
    ("site", "property_tenant.property_site_action"),
    ("department", "property_helpdesk.property_department_action"),
    ("fee_standard", "property_billing.property_fee_standard_action"),
    ("sla_policy", "property_helpdesk.property_sla_policy_action"),
    ("email", "base_setup.action_general_configuration"),
]


class PropertyManagementOnboarding(models.TransientModel):
    """Setting up a new site (物业项目), step by step in the order it is
    done: the company, the site with its buildings and units, the
    departments and their heads, the approved fee standards, the service
    levels.  Each step tells whether it is done for the current company and
    opens the screen where it is done."""

    _name = "property.management.onboarding"
    _description = "Site Set-up"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    company_done = fields.Boolean(compute="_compute_steps")
    site_count = fields.Integer(compute="_compute_steps")
    unit_count = fields.Integer(compute="_compute_steps")
    site_done = fields.Boolean(compute="_compute_steps")
    department_count = fields.Integer(compute="_compute_steps")
    department_done = fields.Boolean(compute="_compute_steps")
    fee_standard_count = fields.Integer(compute="_compute_steps")
    fee_standard_done = fields.Boolean(compute="_compute_steps")
    sla_policy_count = fields.Integer(compute="_compute_steps")
    sla_policy_done = fields.Boolean(compute="_compute_steps")
    email_done = fields.Boolean(compute="_compute_steps")
    desk_email = fields.Char(
        string="Service Desk E-mail",
        compute="_compute_steps",
        help="The address whose e-mails become desk items; none until the "
        "company has an alias domain.",
    )
    done_count = fields.Integer(string="Steps Done", compute="_compute_steps")
    step_count = fields.Integer(string="Steps", compute="_compute_steps")
    progress = fields.Float(compute="_compute_steps")

    @api.model
    def _count(self, model, company, domain=()):
        return (
            self.env[model]
            .sudo()
            .search_count([("company_id", "=", company.id), *domain])
        )

    @api.depends("company_id")
    def _compute_steps(self):
        for board in self:
            company = board.company_id or self.env.company
            board.company_done = bool(
                company.name and company.street and company.city and company.phone
            )
            board.site_count = self._count("property.site", company)
            board.unit_count = self._count("property.unit", company)
            board.site_done = bool(board.site_count and board.unit_count)
            # a department is set up once it has its head
            board.department_count = self._count(
                "property.department", company, [("head_id", "!=", False)]
            )
            board.department_done = bool(board.department_count)
            board.fee_standard_count = self._count(
                "property.fee.standard", company, [("state", "=", "approved")]
            )
            board.fee_standard_done = bool(board.fee_standard_count)
            board.sla_policy_count = self._count("property.sla.policy", company)
            board.sla_policy_done = bool(board.sla_policy_count)
            # e-mails to desk@<domain> become items only once the company has
            # an alias domain (Settings > Discuss > Alias Domain)
            domain = company.sudo().alias_domain_id
            alias = self.env.ref(
                "property_helpdesk.mail_alias_desk", raise_if_not_found=False
            )
            board.email_done = bool(domain)
            board.desk_email = (
                f"{alias.sudo().alias_name}@{domain.name}"
                if domain and alias
                else False
            )
            board.done_count = sum(
                board[f"{step}_done"] for step, _action in ONBOARDING_STEPS
            )
            board.step_count = len(ONBOARDING_STEPS)
            board.progress = 100.0 * board.done_count / board.step_count

    def _open_step(self, step):
        self.ensure_one()
        xmlid = dict(ONBOARDING_STEPS)[step]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if step == "company":
            action.update(
                {
                    "res_id": self.company_id.id,
                    "view_mode": "form",
                    "views": [(False, "form")],
                }
            )
        return action

    def action_open_company(self):
        return self._open_step("company")

    def action_open_sites(self):
        return self._open_step("site")

    def action_open_departments(self):
        return self._open_step("department")

    def action_open_fee_standards(self):
        return self._open_step("fee_standard")

    def action_open_sla_policies(self):
        return self._open_step("sla_policy")

    def action_open_email(self):
        return self._open_step("email")
