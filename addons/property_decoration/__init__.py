from . import controllers
from . import models

from odoo.addons.property_tenant.uninstall import prepare_uninstall, restore_kept


def uninstall_hook(env):
    """Uninstall without an ERROR, keeping the records that data of other
    modules still references (property_tenant/uninstall.py)."""
    prepare_uninstall(env, "property_decoration")


def pre_init_hook(env):
    """Reuse the records that an earlier uninstall kept (no duplicates)."""
    restore_kept(env, "property_decoration")
