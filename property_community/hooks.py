import logging

from odoo.addons.property_tenant.uninstall import prepare_uninstall, restore_kept

_logger = logging.getLogger(__name__)

PLAN_XMLID = "property_community.analytic_plan_community_events"


def _accounts_holding_data(accounts):
    """The accounts among ``accounts`` that analytic lines are booked on, or
    that an analytic distribution names (journal items, distribution models,
    ...): deleting them would lose or orphan accounting data."""
    env = accounts.env
    used = set()
    Line = env["account.analytic.line"].sudo()
    for column in {plan._column_name() for plan in accounts.root_plan_id}:
        if column in Line._fields:
            groups = Line._read_group([(column, "in", accounts.ids)], [column])
            used.update(account.id for (account,) in groups)
    ids = set(accounts.ids)
    for model_name in env.registry.descendants(["analytic.mixin"], "_inherit"):
        Model = env[model_name].sudo().with_context(active_test=False)
        field = Model._fields.get("analytic_distribution")
        if Model._abstract or not field or not field.store:
            continue
        for record in Model.search([("analytic_distribution", "in", accounts.ids)]):
            for key in record.analytic_distribution or {}:
                used.update(int(i) for i in key.split(",") if int(i) in ids)
    return accounts.browse(sorted(used))


def uninstall_hook(env):
    """Uninstall without losing the events' costs (issue 17).

    The module's analytic plan "Community Events" holds a cost account per
    event.  Odoo deletes the plan when uninstalling the module, which failed
    (an ERROR in the log) while accounts referenced it; deleting it would
    also drop the plan's column of the analytic lines, with the costs booked
    on it.  So the plan's accounts that hold no data are deleted, and those
    holding data are archived and kept: they keep the plan too
    (``prepare_uninstall`` keeps what data references, with its external
    id, which a reinstall then reuses: no second plan).  Without such
    accounts the plan is deleted as usual.
    """
    plan = env.ref(PLAN_XMLID, raise_if_not_found=False)
    if plan:
        accounts = (
            env["account.analytic.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("root_plan_id", "=", plan.id)])
        )
        kept = _accounts_holding_data(accounts)
        (accounts - kept).unlink()
        kept.filtered("active").write({"active": False})
        _logger.info(
            "Uninstall: %d cost account(s) of the plan %r archived and kept "
            "(they hold accounting data), %d unused one(s) deleted.",
            len(kept),
            plan.name,
            len(accounts) - len(kept),
        )
    prepare_uninstall(env, "property_community")


def pre_init_hook(env):
    """Reuse the plan (and whatever else) that an earlier uninstall kept:
    no second "Community Events" plan."""
    restore_kept(env, "property_community")
