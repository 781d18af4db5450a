"""A clean uninstall of a module of the suite (issue 17).

Uninstalling a module, Odoo first deletes the records its external ids name
one by one, and only then drops the module's columns and tables
(``ir.model.data._module_data_uninstall``).  A record that something still
references cannot be deleted: the DELETE fails, Odoo logs it as an ERROR and
leaves the record behind, half-owned by a module that is gone.  This happens
for two reasons:

- rows of the module's own tables and columns, about to be dropped anyway,
  still point to the records deleted first (a ticket to its SLA policy, a
  fee standard to its fee item, a culture plan line to a demo user, an
  activity of a transfer slip to the module's activity type);
- data of modules that stay installed references them: journal items the
  module's products, invoices the tenants (demo partners), analytic
  accounts the module's analytic plans.

``prepare_uninstall``, called by each module's uninstall hook, removes the
first kind of references and keeps the records of the second kind, so that
the uninstall deletes what is unused and nothing logs an ERROR.  Odoo then
drops the module's external ids of the kept records; ``restore_kept``,
called by the module's pre_init_hook, gives them back, so that installing
the module again reuses those records instead of creating them twice.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Records kept by an uninstall get a second external id in this namespace:
# Odoo does not delete a record that an external id of a module not being
# uninstalled still names (it removes the module's external id though).
# "__export__" is where Odoo itself names records outside of any module.
KEEP_MODULE = "__export__"
SCHEMA_MODELS = (
    "ir.model",
    "ir.model.fields",
    "ir.model.fields.selection",
    "ir.model.constraint",
    "ir.model.relation",
)


def prepare_uninstall(env, module):
    """Make the coming uninstall of ``module`` clean: see the module's
    docstring.  Returns the records kept (a list of recordsets)."""
    cr = env.cr
    removing = set(
        env["ir.module.module"].search([("state", "=", "to remove")]).mapped("name")
    ) | {module}
    dropped_models, dropped_columns = _dropped_schema(env, removing)
    tables = {env[m]._table for m in dropped_models if m in env}

    # Activities of the models that go (Odoo deletes them with the models,
    # too late for the activity types of the module, deleted before).
    model_ids = [env["ir.model"]._get_id(m) for m in dropped_models]
    if model_ids:
        cr.execute(
            "DELETE FROM mail_activity WHERE res_model_id = ANY(%s)", [model_ids]
        )

    # The module's records of those models go with their tables: deleting
    # them one by one first, Odoo would trip over their references to each
    # other (a ticket's SLA policy, a fee standard's fee item).
    IrModelData = env["ir.model.data"]
    IrModelData.search(
        [("module", "=", module), ("model", "in", list(dropped_models))]
    ).unlink()

    # Its other records are deleted one by one: the references to them from
    # the tables and columns that go (a culture plan line's demo user, a fee
    # item's product) are forgotten first.
    candidates = {}  # (table, id): ir.model.data of the module
    for data in IrModelData.search([("module", "=", module)]):
        model = env.get(data.model)
        if data.model not in SCHEMA_MODELS and model is not None:
            if not model._abstract and model._auto:
                candidates[(model._table, data.res_id)] = data
    ids_by_table = {}
    for table, res_id in candidates:
        ids_by_table.setdefault(table, []).append(res_id)
    cr.execute(
        """
        SELECT t.relname, a.attname, a.attnotnull, r.relname
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          JOIN pg_class r ON r.oid = c.confrelid
         WHERE c.contype = 'f' AND r.relname = ANY(%s)
        """,
        [list(ids_by_table)],
    )
    for table, column, not_null, ref_table in cr.fetchall():
        if table not in tables and (table, column) not in dropped_columns:
            continue
        table_sql, column_sql = SQL.identifier(table), SQL.identifier(column)
        if not_null:
            cr.execute(
                SQL(
                    "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL",
                    table_sql,
                    column_sql,
                )
            )
        cr.execute(
            SQL(
                "UPDATE %s SET %s = NULL WHERE %s = ANY(%s)",
                table_sql,
                column_sql,
                column_sql,
                ids_by_table[ref_table],
            )
        )
    env.invalidate_all()

    return _keep_referenced(env, module, candidates, removing, tables, dropped_columns)


def _dropped_schema(env, removing):
    """The models (names) and the columns ({(table, column)}) of other
    models that only the modules being removed define."""

    def only_removing(model_name, res_ids):
        """The res_ids that no module staying installed names."""
        others = env["ir.model.data"].search(
            [
                ("model", "=", model_name),
                ("res_id", "in", list(res_ids)),
                ("module", "not in", list(removing)),
            ]
        )
        return res_ids - set(others.mapped("res_id"))

    ours = env["ir.model.data"].search(
        [("module", "in", list(removing)), ("model", "in", SCHEMA_MODELS[:2])]
    )
    model_ids = set(ours.filtered(lambda d: d.model == "ir.model").mapped("res_id"))
    field_ids = set(ours.filtered(lambda d: d.model != "ir.model").mapped("res_id"))
    models = env["ir.model"].browse(only_removing("ir.model", model_ids)).exists()
    dropped_models = set(models.mapped("model"))
    fields = env["ir.model.fields"].browse(only_removing("ir.model.fields", field_ids))
    dropped_columns = {
        (env[f.model]._table, f.name)
        for f in fields.exists()
        if f.store and f.model in env and f.model not in dropped_models
    }
    return dropped_models, dropped_columns


def _keep_referenced(env, module, candidates, removing, tables, dropped_columns):
    """Give a keeping external id to the records of ``module`` (of models
    that stay: ``candidates``, {(table, id): ir.model.data}) that rows of
    other tables still reference, directly or through another record of the
    module that is kept.  Rows that the uninstall deletes do not count: rows
    of ``tables`` and ``dropped_columns``, records of the modules being
    removed not kept by their own hook (it ran before: dependent modules'
    hooks run first)."""
    cr = env.cr
    prefix = f"kept__{module}__"
    IrModelData = env["ir.model.data"]
    keepers = IrModelData.search([("module", "=", KEEP_MODULE)])
    keepers.filtered(lambda d: d.name.startswith(prefix)).unlink()

    def rows(datas):
        return {
            (env[d.model]._table, d.res_id)
            for d in datas
            if d.model not in SCHEMA_MODELS and d.model in env
        }

    going = rows(IrModelData.search([("module", "in", list(removing))]))
    kept_before = rows(
        IrModelData.search([("module", "=", KEEP_MODULE), ("name", "=like", "kept__%")])
    )

    refs = {}  # (table, id) of a candidate: {(table, id) referencing it}
    for table in {table for table, _id in candidates}:
        ids = [res_id for t, res_id in candidates if t == table]
        # restrict / no action block the DELETE; a row that cascade would
        # delete counts only if it is itself a kept record (the variant of a
        # product keeps its template); relation tables (no id) are links
        cr.execute(
            """
            SELECT t.relname, a.attname, c.confdeltype = 'c'
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
              JOIN pg_attribute a
                ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND c.confrelid = %s::regclass
               AND c.confdeltype IN ('a', 'r', 'c')
               AND EXISTS (SELECT 1 FROM pg_attribute i
                            WHERE i.attrelid = c.conrelid AND i.attname = 'id')
            """,
            [table],
        )
        for ref_table, column, cascade in cr.fetchall():
            if ref_table in tables or (ref_table, column) in dropped_columns:
                continue
            cr.execute(
                SQL(
                    "SELECT %s, id FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(column),
                    SQL.identifier(ref_table),
                    SQL.identifier(column),
                    ids,
                )
            )
            for res_id, ref_id in cr.fetchall():
                if (ref_table, ref_id) != (table, res_id):
                    refs.setdefault((table, res_id), set()).add(
                        ((ref_table, ref_id), cascade)
                    )

    kept = set()
    grown = True
    while grown:  # referenced by a row that stays
        grown = False
        for key, referencing in refs.items():
            if key not in kept and any(
                r in kept or r in kept_before or (r not in going and not cascade)
                for r, cascade in referencing
            ):
                kept.add(key)
                grown = True

    records = []
    for key in sorted(kept):
        data = candidates[key]
        env["ir.model.data"].create(
            {
                "module": KEEP_MODULE,
                "name": f"{prefix}{data.name}",
                "model": data.model,
                "res_id": data.res_id,
                # the module's flag, for restore_kept
                "noupdate": data.noupdate,
            }
        )
        records.append(env[data.model].browse(data.res_id))
    if records:
        _logger.info(
            "Uninstall of %s: %d record(s) still referenced by data are kept: %s",
            module,
            len(records),
            ", ".join(
                f"{candidates[key].module}.{candidates[key].name}"
                for key in sorted(kept)
            ),
        )
    return records


def restore_kept(env, module):
    """Give the records that an uninstall of ``module`` kept their external
    ids of the module back (Odoo removed them with the module), so that
    installing the module again updates those records instead of creating
    them a second time (a second analytic plan, product, partner, ...).
    Called by the module's pre_init_hook."""
    prefix = f"kept__{module}__"
    IrModelData = env["ir.model.data"]
    keepers = IrModelData.search([("module", "=", KEEP_MODULE)])
    for keeper in keepers.filtered(lambda d: d.name.startswith(prefix)):
        name = keeper.name[len(prefix) :]
        record = env[keeper.model].browse(keeper.res_id).exists()
        if record and not IrModelData.search_count(
            [("module", "=", module), ("name", "=", name)]
        ):
            IrModelData.create(
                {
                    "module": module,
                    "name": name,
                    "model": keeper.model,
                    "res_id": keeper.res_id,
                    "noupdate": keeper.noupdate,
                }
            )
        keeper.unlink()
