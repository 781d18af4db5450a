from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job

from ..models import property_golive_import
from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveApply(GoliveCase):
    def _applied(self, tables=None):
        record = self._import(tables)
        record.action_dry_run()
        self.assertTrue(record.check_ok, record.summary)
        self.assertTrue(record.with_user(self.manager).action_apply(), record.summary)
        self.assertEqual(record.state, "applied", record.summary)
        return record

    def _archive(self, unit_code="1-101"):
        return self.env["property.occupancy"].search(
            [("unit_id.code", "=", unit_code), ("site_id.code", "=", "GL")]
        )

    def test_apply_creates_the_site(self):
        self._applied()
        site = self.env["property.site"].search([("code", "=", "GL")])
        self.assertEqual(site.name, "上线花园")
        self.assertEqual(len(site.unit_ids), 3)
        self.assertEqual(sorted(site.unit_ids.mapped("area")), [60.5, 80.0, 100.0])
        self.assertEqual(set(site.unit_ids.mapped("usage")), {"home"})
        archive = self._archive()
        self.assertEqual(archive.state, "active")
        self.assertEqual(archive.tenant_id.name, "王芳")
        self.assertEqual(archive.tenant_id.phone, "13900000001")
        self.assertEqual(archive.move_in_date, date(2025, 9, 1))
        self.assertEqual(archive.member_ids.mapped("relation"), ["spouse"])
        self.assertEqual(self._archive("1-102").tenant_kind, "small")
        self.assertEqual(self._archive("1-103").state, "ended")
        self.assertEqual(archive.unit_id.status, "occupied")
        meter = self.env["property.meter"].search([("serial", "=", "GL-W-1")])
        self.assertEqual(meter.last_reading_value, 321.5)
        self.assertEqual(meter.last_reading_date, date(2026, 2, 28))
        standard = self.env["property.fee.standard"].search([("site_id", "=", site.id)])
        self.assertEqual(
            (standard.state, standard.rate, standard.usage), ("approved", 2.5, "home")
        )

    def test_opening_arrears_are_posted_receivables(self):
        record = self._applied()
        archive = self._archive()
        invoices = record.move_ids.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.invoice_line_ids.property_fee_item_id == self.item_fee
            )
        )
        # one opening invoice per bill of the former system: each period
        # falls due on its own date (the site's 15 days by default)
        self.assertEqual(len(invoices), 3)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(invoices.partner_id, archive.tenant_id)
        self.assertEqual(sum(invoices.mapped("amount_total")), 750.0)
        self.assertEqual(
            sorted(invoices.mapped("invoice_date_due")),
            [date(2025, 12, 16), date(2026, 1, 16), date(2026, 2, 16)],
        )
        self.assertEqual(set(invoices.mapped("invoice_date")), {date(2026, 3, 15)})
        self.assertEqual(set(invoices.mapped("date")), {date(2026, 3, 15)})
        self.assertEqual(invoices.journal_id.code, "OPEN")
        lines = invoices.invoice_line_ids.sorted("property_period_start")
        self.assertEqual(lines.account_id, self.opening_account)
        self.assertFalse(lines.tax_ids)
        self.assertEqual(
            lines.mapped("property_period_start"),
            [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)],
        )
        self.assertEqual(lines[2].property_period_end, date(2026, 2, 28))
        self.assertEqual(lines.property_occupancy_id, archive)
        keys = self.env["property.billing.key"].search(
            [("occupancy_id", "=", archive.id), ("item_id", "=", self.item_fee.id)]
        )
        self.assertEqual(
            sorted(keys.mapped("period_start")), lines.mapped("property_period_start")
        )
        self.assertEqual(keys.move_line_id, lines)

    def test_deposits_reconcile_with_the_liability(self):
        self._applied()
        for unit_code, amount in (("1-101", 2000.0), ("1-102", 1500.0)):
            archive = self._archive(unit_code)
            self.assertEqual(archive.deposit_held, amount)
            balance = sum(
                self.env["account.move.line"]
                .search(
                    [
                        ("account_id", "=", self.deposit_account.id),
                        ("partner_id", "=", archive.tenant_id.id),
                        ("parent_state", "=", "posted"),
                    ]
                )
                .mapped("balance")
            )
            self.assertEqual(-balance, archive.deposit_held)
            receivable = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", archive.tenant_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("property_fee_item_id", "=", False),
                    (
                        "move_id.line_ids.property_fee_item_id",
                        "=",
                        self.item_deposit.id,
                    ),
                ]
            )
            self.assertEqual(sum(receivable.mapped("amount_residual")), 0.0)

    def test_second_upload_creates_nothing(self):
        self._applied()
        before = self._counts()
        record = self._import()
        record.action_dry_run()
        self.assertEqual(
            (record.create_count, record.update_count, record.error_count),
            (0, 0, 0),
            record.summary,
        )
        self.assertEqual(record.unchanged_count, 17)
        record.action_apply()
        self.assertEqual(record.state, "applied")
        self.assertEqual(self._counts(), before)

    def test_corrected_file_updates_what_changed(self):
        self._applied()
        tables = self.tables()
        tables["units"][0]["area"] = 101.5
        tables["archives"][1]["move_out_date"] = "2026-03-01"
        tables["arrears"].append(
            {**tables["arrears"][3], "period": "2026-01", "amount": 300.0}
        )
        record = self._import(tables)
        record.action_dry_run()
        self.assertEqual(
            (record.create_count, record.update_count, record.error_count),
            (1, 2, 0),
            record.summary,
        )
        record.action_apply()
        self.assertEqual(self._archive().unit_id.area, 101.5)
        self.assertEqual(self._archive("1-102").state, "ended")
        self.assertEqual(record.move_ids.amount_total, 300.0)

    def test_changed_posted_arrear_is_refused(self):
        self._applied()
        tables = self.tables()
        tables["arrears"][0]["amount"] = 260.0
        record = self._import(tables)
        before = self._counts()
        record.action_dry_run()
        self.assertEqual(self._counts(), before)
        self.assertFalse(record.check_ok)
        self.assertIn("credit it", record.summary)
        self.assertIn("历史欠费 Arrears", record.summary)

    def test_tenants_are_matched_safely(self):
        """A contact that only shares a tenant's name is not the tenant; a
        name with its ID number finds its partner (not a namesake with
        another number); a tenant named alone twice in the file is one
        tenant renting two units."""
        Partner = self.env["res.partner"]
        namesake = Partner.create({"name": "赵强", "email": "zq@example.com"})
        Partner.create({"name": "王芳", "vat": "310101198001015678"})
        by_vat = Partner.create({"name": "王芳", "vat": "110101199001011234"})
        tables = self.tables()
        tables["archives"][0]["tenant_vat"] = "110101199001011234"
        tables["archives"][2]["tenant_name"] = "赵强"
        self._applied(tables)
        self.assertEqual(self._archive().tenant_id, by_vat)
        tenant_b = self._archive("1-102").tenant_id
        self.assertNotEqual(tenant_b, namesake)
        self.assertEqual(self._archive("1-103").tenant_id, tenant_b)
        self.assertFalse(namesake.property_occupancy_ids)

    def test_changed_due_date_is_refused(self):
        self._applied()
        tables = self.tables()
        tables["arrears"][3]["due_date"] = "2026-02-28"
        record = self._import(tables)
        record.action_dry_run()
        self.assertFalse(record.check_ok)
        self.assertIn("posted as due on 2026-02-10", record.summary)
        self.assertIn("Original Due Date", record.summary)

    def test_documents_held(self):
        self._applied()
        archive = self._archive()
        documents = archive.document_ids.sorted("reference")
        self.assertEqual(
            [
                (d.document_type_id, d.reference, d.issue_date, d.expiry_date)
                for d in documents
            ],
            [
                (
                    self.env.ref("property_tenant.document_type_id_card"),
                    "110101199001011234",
                    date(2015, 6, 1),
                    date(2035, 6, 1),
                ),
                (
                    self.env.ref("property_tenant.document_type_contract"),
                    "GL-HT-1",
                    date(2025, 9, 1),
                    date(2030, 8, 31),
                ),
            ],
        )
        id_doc, contract = documents
        self.assertEqual(
            (id_doc.verified_date, id_doc.verified_by_id),
            (date(2025, 9, 1), self.manager),
        )
        self.assertFalse(contract.verified_by_id)
        # the verified paper original counts in the archive's completeness,
        # the contract without a scan nor a check does not
        types = archive._valid_document_types()
        self.assertEqual(types, id_doc.document_type_id)
        # a corrected file: the contract's original checked since
        tables = self.tables()
        tables["documents"][1]["verified_date"] = "2026-03-01"
        record = self._applied(tables)
        self.assertEqual(
            (record.create_count, record.update_count), (0, 1), record.summary
        )
        self.assertEqual(contract.verified_date, date(2026, 3, 1))
        self.assertEqual(contract.verified_by_id, self.manager)
        self.assertEqual(archive._valid_document_types(), documents.document_type_id)

    def test_apply_is_all_or_nothing(self):
        """An error met while writing (here the opening-balance account
        closed between the dry run and the apply: the opening arrears, late
        in the file, cannot be posted) keeps nothing of the file."""
        record = self._import()
        record.action_dry_run()
        before = self._counts()
        self.env["account.account"].search([("code", "=", "T3999")]).deprecated = True
        self.assertFalse(record.action_apply())
        self.assertEqual(record.state, "failed")
        self.assertTrue(record.summary)
        self.assertEqual(self._counts(), before)

    def test_large_file_applied_by_a_job(self):
        """Above the row limit the file is applied by a queue job on the
        root channel, all but its opening invoices; those are posted by
        parallel batches (here one invoice each), and a last job, depending
        on them, ends the import.  (Requirement change: the import shows
        "Applying" while its jobs run, so Apply cannot be pressed twice;
        it stayed "Checked" before.)"""
        record = self._import()
        record.action_dry_run()
        with patch.object(property_golive_import, "JOB_THRESHOLD_ROWS", 5):
            record.with_user(self.manager).action_apply()
        job = self.env["queue.job"].search([("uuid", "=", record.job_uuid)])
        self.assertEqual((job.channel, job.state), ("root", "pending"))
        self.assertEqual(record.state, "applying")
        with self.assertRaises(UserError):
            record.with_user(self.manager).action_apply()
        with self.assertRaises(UserError):
            record.with_user(self.manager).action_dry_run()
        self._run_jobs(record)
        self.assertEqual(job.state, "done")
        self.assertEqual(record.state, "applied")
        # the file job, one batch (the four bills at the default size), the
        # close
        self.assertEqual(record.job_count, 3)
        self.assertEqual(record.deferred_invoice_count, 4)
        # three bills of 王芳, one of 赵强, two deposit invoices
        self.assertEqual(
            len(record.move_ids.filtered(lambda m: m.move_type == "out_invoice")), 6
        )

    def _arrear_invoices(self, record):
        return record.move_ids.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and not move.invoice_line_ids.property_one_off_charge_id
            )
        )

    def test_background_batches_post_each_invoice_once(self):
        """The file job writes the file but its opening invoices and queues
        one batch per invoice here; a batch run twice posts nothing more; a
        batch that fails (the opening account closed meanwhile) keeps the
        others and the import waits "Applying", with the failure shown,
        until it is requeued and done."""
        self._background(threshold=1, batch=1)
        record = self._import()
        record.action_dry_run()
        record.with_user(self.manager).action_apply()
        self._run_jobs(record, rounds=1)  # the file job only
        self.assertEqual(record.state, "applying")
        self.assertEqual(record.deferred_invoice_count, 4)
        self.assertTrue(self._archive())
        self.assertFalse(self._arrear_invoices(record))
        batches = record.queue_job_ids.filtered(
            lambda job: job.method_name == "_job_post_arrears"
        )
        finish = record.queue_job_ids.filtered(
            lambda job: job.method_name == "_job_apply_finish"
        )
        self.assertEqual(len(batches), 4)
        self.assertEqual(set(batches.mapped("state")), {"pending"})
        self.assertEqual(finish.state, "wait_dependencies")

        first = Job.load(self.env, batches[0].uuid).args[0]
        self.assertEqual(record._job_post_arrears(first), 1)
        self.assertEqual(record._job_post_arrears(first), 0)
        self.assertEqual(len(self._arrear_invoices(record)), 1)

        self.opening_account.deprecated = True
        self._run_jobs(record)
        self.assertEqual(record.state, "applying")
        self.assertEqual(record.job_failed_count, 3)
        self.assertEqual(finish.state, "wait_dependencies")
        self.assertEqual(len(self._arrear_invoices(record)), 1)

        self.opening_account.deprecated = False
        record.queue_job_ids.filtered(lambda job: job.state == "failed").requeue()
        self._run_jobs(record)
        self.assertEqual(record.state, "applied")
        self.assertEqual(record.progress, 100.0)
        self.assertEqual(finish.state, "done")
        invoices = self._arrear_invoices(record)
        self.assertEqual(len(invoices), 4)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        keys = self.env["property.billing.key"].search(
            [("move_id", "in", invoices.ids)]
        )
        self.assertEqual(len(keys), len(invoices.invoice_line_ids))
        self.assertEqual(sum(invoices.mapped("amount_total")), record.arrears_total)
        self.assertIn(
            "4 opening invoices posted", "".join(record.message_ids.mapped("body"))
        )

    def test_background_progress(self):
        """While applying, the import shows what its jobs wrote in the
        progress table (written through cursors of their own, never on the
        import's row); applied, it is done."""
        self._background(threshold=1, batch=1)
        record = self._import()
        record.action_dry_run()
        record.with_user(self.manager).action_apply()
        self.assertEqual((record.progress, record.progress_step), (0.0, False))
        self.env["property.golive.progress"].create(
            {
                "import_id": record.id,
                "company_id": record.company_id.id,
                "progress": 40.0,
                "step": "arrears",
            }
        )
        record.invalidate_recordset()
        # the step as the workbook names its sheet
        self.assertEqual(
            (record.progress, record.progress_step), (40.0, "历史欠费 Arrears")
        )
        self._run_jobs(record)
        self.assertEqual(record.state, "applied")
        self.assertEqual((record.progress, record.progress_step), (100.0, "Done"))

    def test_closing_job_released_when_its_batches_are_done(self):
        """The batches end but queuing the closing job is lost (the worker
        died after their commit): the scheduled release queues it, and only
        once every batch is done."""
        self._background(threshold=1, batch=2)
        record = self._import()
        record.action_dry_run()
        record.with_user(self.manager).action_apply()
        self._run_jobs(record, rounds=1)  # the file job
        batches = record.queue_job_ids.filtered(
            lambda job: job.method_name == "_job_post_arrears"
        )
        finish = (
            record.queue_job_ids
            - batches
            - batches.browse(
                record.queue_job_ids.filtered(
                    lambda job: job.method_name == "_apply_job"
                ).ids
            )
        )
        self.assertEqual(len(batches), 2)
        QueueJob = self.env["queue.job"]
        for index, queued in enumerate(batches):
            # performed and done, its dependents never queued
            job = Job.load(self.env, queued.uuid)
            job.perform()
            job.set_done()
            job.store()
            self.env.invalidate_all()
            self.assertEqual(finish.state, "wait_dependencies")
            self.assertEqual(QueueJob._property_release_waiting(), index)
        self.env.invalidate_all()
        self.assertEqual(finish.state, "pending")
        self._run_jobs(record)
        self.assertEqual(record.state, "applied")

    def test_background_file_error_keeps_nothing(self):
        """The file job meets an error: nothing of the file is kept and no
        batch is queued."""
        self._background(threshold=1, batch=1)
        record = self._import()
        record.action_dry_run()
        before = self._counts()
        self.opening_account.deprecated = True
        record.with_user(self.manager).action_apply()
        self._run_jobs(record)
        self.assertEqual(record.state, "failed")
        self.assertTrue(record.summary)
        self.assertEqual(record.job_count, 1)
        self.assertEqual(self._counts(), before)
