import base64
from datetime import date

from odoo.addons.property_billing.tests.common_one_off import OneOffCase
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

from ..workbook import workbook_content


class GoliveCase(OneOffCase):
    """The billing world (fee items T-PMF, T-WATER, T-PARK, T-DEP) plus a
    go-live workbook of a new site GL: one building, three units, three
    archives (one with a member and two documents), a meter, a standard,
    opening arrears for three months (due on the site's default 15 days
    after each period's start, one row with its own due date) and two
    deposits.  Dates are frozen by the tests on
    2026-03-15 (the opening date)."""

    today = "2026-03-15"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.opening_account = cls.env["account.account"].create(
            {"name": "Test Opening Balances", "code": "T3999", "account_type": "equity"}
        )
        cls.company.property_opening_account_id = cls.opening_account
        # document types are named in Chinese in the workbook
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["property_tenant"], ["zh_CN"], overwrite=True
        )

    @staticmethod
    def tables():
        archive = {
            "site_code": "GL",
            "tenant_name": "王芳",
            "move_in_date": "2025-09-01",
        }
        archive_b = {
            "site_code": "GL",
            "tenant_name": "赵强",
            "move_in_date": "2024-01-10",
        }
        return {
            "units": [
                {
                    "site_code": "GL",
                    "site_name": "上线花园",
                    "building_code": "1",
                    "building_name": "1栋",
                    "unit_code": f"1-{n}",
                    "floor": 1,
                    "usage": "住宅",
                    "area": area,
                }
                for n, area in ((101, 100.0), (102, 80.0), (103, 60.5))
            ],
            "archives": [
                {
                    **archive,
                    "unit_code": "1-101",
                    "tenant_phone": "13900000001",
                    "tenant_kind": "居民",
                },
                {**archive_b, "unit_code": "1-102", "tenant_kind": "小商户"},
                {
                    "site_code": "GL",
                    "tenant_name": "钱多",
                    "move_in_date": "2020-01-01",
                    "move_out_date": "2023-12-31",
                    "unit_code": "1-103",
                },
            ],
            "members": [
                {
                    **archive,
                    "unit_code": "1-101",
                    "member_name": "李雷",
                    "relation": "配偶",
                },
            ],
            "documents": [
                {
                    **archive,
                    "unit_code": "1-101",
                    "document_type": "身份证件",
                    "reference": "110101199001011234",
                    "issue_date": "2015-06-01",
                    "expiry_date": "2035-06-01",
                    "verified_date": "2025-09-01",
                },
                {
                    **archive,
                    "unit_code": "1-101",
                    "document_type": "Occupancy Contract",
                    "reference": "GL-HT-1",
                    "issue_date": "2025-09-01",
                    "expiry_date": "2030-08-31",
                },
            ],
            "meters": [
                {
                    "site_code": "GL",
                    "unit_code": "1-101",
                    "serial": "GL-W-1",
                    "meter_type": "水",
                    "reading_date": "2026-02-28",
                    "reading_value": 321.5,
                },
            ],
            "standards": [
                {
                    "site_code": "GL",
                    "item_code": "T-PMF",
                    "usage": "住宅",
                    "date_from": "2025-01-01",
                    "rate": 2.5,
                },
            ],
            "arrears": [
                *(
                    {
                        **archive,
                        "unit_code": "1-101",
                        "item_code": "T-PMF",
                        "period": period,
                        "amount": 250.0,
                    }
                    for period in ("2025-12", "2026-01", "2026-02")
                ),
                {
                    **archive_b,
                    "unit_code": "1-102",
                    "item_code": "T-PARK",
                    "period": "2026-02",
                    "amount": 300.0,
                    "due_date": "2026-02-10",
                },
            ],
            "deposits": [
                {
                    **archive,
                    "unit_code": "1-101",
                    "item_code": "T-DEP",
                    "date": "2025-09-01",
                    "amount": 2000.0,
                },
                {
                    **archive_b,
                    "unit_code": "1-102",
                    "item_code": "T-DEP",
                    "date": "2024-01-10",
                    "amount": 1500.0,
                },
            ],
        }

    def _import(self, tables=None, **vals):  # also called on the class
        content = workbook_content(tables or self.tables())
        return (
            self.env["property.golive.import"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Test go-live",
                    "file": base64.b64encode(content),
                    "filename": "golive.xlsx",
                    "cutover_date": date(2026, 3, 15),
                    **vals,
                }
            )
        )

    def _counts(self):
        models = (
            "property.site",
            "property.building",
            "property.unit",
            "property.occupancy",
            "property.occupancy.member",
            "property.document",
            "property.meter",
            "property.meter.reading",
            "property.fee.standard",
            "account.move",
            "account.move.line",
            "property.billing.key",
            "property.charge.one.off",
            "res.partner",
        )
        return {
            m: self.env[m].sudo().with_context(active_test=False).search_count([])
            for m in models
        }

    def _background(self, threshold=1, batch=1):
        """Files above ``threshold`` rows applied in the background, in
        batches of ``batch`` opening invoices."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("property_golive.job_threshold_rows", threshold)
        params.set_param("property_golive.job_batch_invoices", batch)

    def _run_jobs(self, record, rounds=10):
        """Perform the import's pending jobs as queue_job's runner does (a
        job that raises is failed, its work rolled back), their dependents
        queued once their parents are done; returns the jobs performed."""
        performed = self.env["queue.job"]
        for _round in range(rounds):
            pending = self.env["queue.job"].search(
                [
                    ("property_golive_import_id", "=", record.id),
                    ("state", "=", "pending"),
                ],
                order="id",
            )
            if not pending:
                break
            for queued in pending:
                job = Job.load(self.env, queued.uuid)
                job.set_started()
                job.store()
                try:
                    with self.env.cr.savepoint():
                        RunJobController._try_perform_job(self.env, job)
                except Exception as error:  # noqa: BLE001 - as the runner: the job fails
                    self.env.invalidate_all()
                    job = Job.load(self.env, queued.uuid)
                    job.set_failed(exc_info=str(error))
                    job.store()
                    continue
                RunJobController._enqueue_dependent_jobs(self.env, job)
                performed |= queued
        self.env.invalidate_all()
        return performed

    def _row_errors(self, record):
        return record.summary
