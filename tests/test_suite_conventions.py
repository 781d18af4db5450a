"""Suite-level checks that every module of the repository keeps the rules the
whole suite relies on: installed, access rights and a company rule on every
model, a complete zh_CN translation, and the readme fragments."""

import ast
from pathlib import Path

import polib

from odoo.tests import TransactionCase

REPO = Path(__file__).resolve().parents[1]


def repo_modules():
    manifests = [
        *REPO.glob("*/__manifest__.py"),
        *REPO.glob("addons/*/__manifest__.py"),
    ]
    return {
        path.parent.name: path.parent
        for path in sorted(manifests)
        if ast.literal_eval(path.read_text(encoding="utf-8")).get("installable", True)
    }


class TestSuiteConventions(TransactionCase):
    # outside odoo.addons, Odoo cannot infer these
    test_module = "property_suite"
    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = repo_modules()

    def _our_models(self):
        models = self.env["ir.model"].search([("transient", "=", False)])
        # abstract models (services) hold no records
        return models.filtered(
            lambda m: (
                m.model.startswith("property.")
                and set(m.modules.split(", ")) & set(self.modules)
                and not self.env[m.model]._abstract
            )
        )

    def test_every_module_is_installed(self):
        self.assertTrue(self.modules, "no module found in the repository")
        installed = self.env["ir.module.module"].search(
            [("name", "in", list(self.modules)), ("state", "=", "installed")]
        )
        self.assertEqual(sorted(installed.mapped("name")), sorted(self.modules))

    def test_every_model_has_access_rights_and_company_rule(self):
        models = self._our_models()
        self.assertTrue(models)
        for model in models:
            self.assertTrue(model.access_ids, f"{model.model} has no access rights")
            if "company_id" not in self.env[model.model]._fields:
                continue
            global_rules = model.rule_ids.filtered(lambda r: r["global"])
            self.assertTrue(
                any("company_ids" in rule.domain_force for rule in global_rules),
                f"{model.model} has no multi-company record rule",
            )

    def test_every_model_is_company_bound_or_shared_config(self):
        for model in self._our_models():
            fields = self.env[model.model]._fields
            self.assertIn(
                "company_id", fields, f"{model.model} has no company_id field"
            )

    def test_zh_cn_translation_is_complete(self):
        for name, path in self.modules.items():
            pot = path / "i18n" / f"{name}.pot"
            po = path / "i18n" / "zh_CN.po"
            self.assertTrue(pot.is_file(), f"{name}: i18n/{name}.pot is missing")
            self.assertTrue(po.is_file(), f"{name}: i18n/zh_CN.po is missing")
            template = {entry.msgid for entry in polib.pofile(str(pot))}
            translated = {
                entry.msgid: entry.msgstr
                for entry in polib.pofile(str(po))
                if not entry.obsolete
            }
            untranslated = sorted(
                msgid for msgid in template if not translated.get(msgid)
            )
            self.assertFalse(untranslated, f"{name}: untranslated terms")

    def test_readme_fragments(self):
        for name, path in self.modules.items():
            for fragment in ("DESCRIPTION.md", "USAGE.md"):
                text = path / "readme" / fragment
                self.assertTrue(
                    text.is_file() and text.read_text(encoding="utf-8").strip(),
                    f"{name}: readme/{fragment} is missing or empty",
                )
