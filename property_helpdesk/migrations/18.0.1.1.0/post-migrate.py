"""Upgrading to 18.0.1.1.0 (the security and data files are noupdate: what
a new installation gets from them is brought here to existing databases).

- The working hours of the existing companies follow the official holiday
  schedule (调休).
- Department staff register what they find on patrol (巡查) and see the
  items they registered.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._follow_official_holiday_schedule()
    rule = env.ref(
        "property_helpdesk.property_ticket_rule_technician", raise_if_not_found=False
    )
    if rule:
        rule.write(
            {
                "name": "Service item: department staff see the items of their "
                "department and those they registered",
                "domain_force": "['|', '|', "
                "('department_id.member_ids', 'in', [user.id]), "
                "('work_order_ids.department_id.member_ids', 'in', [user.id]), "
                "('received_by_id', '=', user.id)]",
                "perm_create": False,
            }
        )
