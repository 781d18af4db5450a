"""Odoo's own list export of the suite's records keeps user text from
being a formula (controllers/export.py)."""

import csv
import io
import json

import openpyxl

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .spreadsheet_checks import FORMULA_TEXT, assert_text_not_formula

NAMES = (FORMULA_TEXT, "@SUM(A1:A9)", "+86 571 8888", "\t=1+1", "-2+3")


@tagged("post_install", "-at_install")
class TestListExport(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="pt_exporter",
            groups="base.group_user,base.group_partner_manager,base.group_allow_export",
        )
        cls.tenants = cls.env["res.partner"].create(
            [
                {"name": name, "partner_latitude": -12.5 - index}
                for index, name in enumerate(NAMES)
            ]
        )

    def _export(self, fmt, **params):
        self.authenticate("pt_exporter", "pt_exporter")
        data = {
            "model": "res.partner",
            "fields": [
                {"name": "name", "label": "Name", "type": "char"},
                {"name": "partner_latitude", "label": "Latitude", "type": "float"},
            ],
            "ids": self.tenants.ids,
            "domain": [],
            "import_compat": False,
            "context": {},
        }
        data.update(params)
        response = self.url_open(
            f"/web/export/{fmt}",
            data={
                "data": json.dumps(data),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.content

    def test_xlsx_export_writes_names_as_text(self):
        for params in ({}, {"groupby": ["name"]}):
            with self.subTest(params=params):
                content = self._export("xlsx", **params)
                for name in NAMES:
                    assert_text_not_formula(self, content, name)
                sheet = openpyxl.load_workbook(io.BytesIO(content)).active
                numbers = [
                    cell.value
                    for row in sheet.iter_rows()
                    for cell in row
                    if cell.data_type == "n" and cell.value is not None
                ]
                self.assertIn(-12.5, numbers, "a negative number stays a number")

    def test_csv_export_escapes_every_formula_start(self):
        content = self._export("csv").decode("utf-8")
        rows = {row[0]: row[1] for row in csv.reader(io.StringIO(content))}
        for name in NAMES:
            self.assertIn("'" + name, rows, f"{name!r} is escaped")
            self.assertNotIn(name, rows)
        self.assertEqual(rows["'" + FORMULA_TEXT], "-12.5")
