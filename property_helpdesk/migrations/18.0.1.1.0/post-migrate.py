"""Upgrading to the official holiday schedule (调休): the working hours of
the existing companies follow it, as on a new installation (the data file's
call runs at installation only)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._follow_official_holiday_schedule()
