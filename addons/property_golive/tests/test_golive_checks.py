import base64

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.property_billing.tests.test_hostile_files import zip_bomb

from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveChecks(GoliveCase):
    def test_dry_run_ok_writes_nothing(self):
        record = self._import()
        before = self._counts()
        record.action_dry_run()
        self.assertEqual(self._counts(), before)
        self.assertEqual(record.state, "checked")
        self.assertTrue(record.check_ok, record.summary)
        self.assertEqual(record.error_count, 0)
        self.assertEqual(record.arrears_total, 1050.0)
        self.assertEqual(record.deposits_total, 3500.0)
        self.assertEqual(record.create_count, 17)
        self.assertTrue(record.report_file)

    def _bad(self, sheet, index, column_title, fragment, **changes):
        tables = self.tables()
        tables[sheet][index].update(changes)
        record = self._import(tables)
        before = self._counts()
        record.action_dry_run()
        self.assertEqual(self._counts(), before)
        self.assertFalse(record.check_ok)
        errors = [
            line for line in record.summary.splitlines() if line.startswith("Sheet ")
        ]
        self.assertEqual(len(errors), record.error_count)
        first = errors[0]
        self.assertIn(f"row {index + 3}, column", first)
        self.assertIn(column_title, first)
        self.assertIn(fragment, first)
        # the rows referring to the bad row name it (or, when its key
        # changed, do not find what they refer to)
        for line in errors[1:]:
            self.assertRegex(line, f"refers to row {index + 3} of sheet|is neither in")
        with self.assertRaisesRegex(Exception, "correct every error"):
            record.action_apply()
        self.assertEqual(self._counts(), before)
        return record

    def test_units_checks(self):
        self._bad("units", 1, "Area (m²)", "greater than zero", area=0)
        self._bad("units", 1, "Usage", "is not one of", usage="仓库")
        self._bad("units", 1, "Unit Code", "already on row 3", unit_code="1-101")
        self._bad("units", 0, "Site Name", "is new", site_name="")

    def test_archives_checks(self):
        self._bad(
            "archives", 1, "Unit Code", "neither in the Units sheet", unit_code="9-999"
        )
        self._bad(
            "archives", 1, "Move-in Date", "is in the future", move_in_date="2026-04-01"
        )
        self._bad(
            "archives", 1, "Move-in Date", "a date like", move_in_date="yesterday"
        )
        self._bad(
            "archives",
            2,
            "Move-out Date",
            "before the move-in",
            move_out_date="2019-01-01",
        )
        self._bad(
            "archives",
            2,
            "Move-in Date",
            "cannot overlap",
            unit_code="1-101",
            move_out_date=False,
        )

    def test_members_checks(self):
        self._bad(
            "members", 0, "Tenant", "neither in the Archives sheet", tenant_name="无名"
        )
        self._bad("members", 0, "Relation", "is not one of", relation="邻居")

    def test_meters_checks(self):
        self._bad(
            "meters", 0, "Last Reading Date", "in the future", reading_date="2026-03-16"
        )
        self._bad("meters", 0, "Type", "is not one of", meter_type="蒸汽")
        self._bad("meters", 0, "Last Reading", "cannot be negative", reading_value=-1)

    def test_meter_reading_not_decreasing(self):
        tables = self.tables()
        self.env["property.meter"].create(
            {
                "serial": "GL-W-9",
                "unit_id": self.unit_home.id,
                "install_date": "2025-01-01",
            }
        ).reading_ids = [(0, 0, {"date": "2026-01-31", "value": 500.0})]
        tables["meters"][0].update(
            site_code="TBP", unit_code="T-301", serial="GL-W-9", reading_value=400.0
        )
        record = self._import(tables)
        record.action_dry_run()
        self.assertEqual(record.error_count, 1)
        self.assertIn("would decrease", record.summary)

    def test_standards_checks(self):
        self._bad("standards", 0, "Fee Item Code", "no fee item", item_code="NOPE")
        self._bad("standards", 0, "Rate", "greater than zero", rate=0)
        self._bad(
            "standards", 0, "Effective From", "a date like", date_from="2025-13-01"
        )

    def test_arrears_checks(self):
        self._bad("arrears", 0, "Period", "a month like", period="2025-13")
        self._bad("arrears", 0, "Period", "in the future", period="2026-04")
        self._bad("arrears", 0, "Period", "outside the tenant's stay", period="2025-08")
        self._bad("arrears", 0, "Amount Owed", "greater than zero", amount=-5)
        self._bad(
            "arrears", 0, "Fee Item Code", "not billed per period", item_code="T-DEP"
        )
        self._bad("arrears", 1, "Period", "already on row 3", period="2025-12")

    def test_documents_checks(self):
        self._bad(
            "documents",
            0,
            "Document Type",
            "no document type named",
            document_type="护照",
        )
        self._bad(
            "documents", 0, "Valid Until", "expires before", expiry_date="2010-01-01"
        )
        self._bad("documents", 1, "Valid Until", "expire: give", expiry_date=None)
        self._bad(
            "documents",
            0,
            "Original Verified On",
            "in the future",
            verified_date="2026-03-16",
        )
        self._bad(
            "documents",
            1,
            "Document Number",
            "already on row 3",
            document_type="Identity Document",
            reference="110101199001011234",
        )
        self._bad(
            "documents",
            0,
            "Tenant",
            "neither in the Archives sheet",
            tenant_name="无名",
        )

    def test_due_date_checks(self):
        self._bad("arrears", 3, "Original Due Date", "a date like", due_date="明天")

    def test_deposits_checks(self):
        self._bad(
            "deposits", 0, "Deposit Item Code", "is not a deposit", item_code="T-PMF"
        )
        self._bad("deposits", 0, "Amount Held", "greater than zero", amount=0)
        self._bad(
            "deposits",
            0,
            "Tenant",
            "neither in the Archives sheet",
            move_in_date="2025-09-02",
        )

    def test_empty_column_and_bad_file(self):
        tables = self.tables()
        for row in tables["units"]:
            row.pop("area")
        record = self._import(tables)
        record.action_dry_run()
        self.assertIn("this cell is required", record.summary)
        record = self._import()
        record.file = base64.b64encode(b"not a workbook")
        with self.assertRaisesRegex(UserError, "not a readable xlsx"):
            record.action_dry_run()
        # a workbook whose sheet inflates to 64 MiB from 64 KB: refused from
        # the archive's directory, before openpyxl reads a byte of it
        record.file = base64.b64encode(zip_bomb())
        with self.assertRaisesRegex(UserError, "not a readable xlsx"):
            record.action_dry_run()
        self.assertEqual(record.state, "draft")

    def test_error_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["property_golive"], ["zh_CN"], overwrite=True
        )
        tables = self.tables()
        tables["units"][1]["area"] = 0
        record = self._import(tables).with_context(lang="zh_CN")
        record.action_dry_run()
        self.assertIn("工作表 单元 Units，第 4 行", record.summary)

    def test_references_to_the_database(self):
        """Rows may refer to what the suite already holds: an arrear of an
        existing archive resolves; a new archive overlapping a live one of
        the database is refused."""
        ref = {
            "site_code": "TBP",
            "unit_code": "T-201",
            "tenant_name": "Zhang Wei",
            "move_in_date": "2025-06-01",
        }
        tables = {
            "arrears": [
                {**ref, "item_code": "T-PMF", "period": "2026-01", "amount": 100.0}
            ],
            "archives": [
                {
                    "site_code": "TBP",
                    "unit_code": "T-301",
                    "tenant_name": "新租户",
                    "move_in_date": "2026-01-01",
                }
            ],
        }
        record = self._import(tables)
        record.action_dry_run()
        self.assertEqual(
            (record.create_count, record.error_count), (1, 1), record.summary
        )
        self.assertIn(
            "row 3, column 入住日期 / Move-in Date: unit T-301 is already occupied "
            "by Liu Fang",
            record.summary,
        )
