"""The dry run's checks of the finance sheets: fee standards, opening
arrears and deposits held (a part of :class:`.checker.GoliveCheck`)."""

from datetime import date, timedelta

from odoo.addons.property_billing.models.property_fee_item import RECURRING_KINDS

from .sheets import USAGE_WORDS

ARREAR_KINDS = (*RECURRING_KINDS, "shared")


class FinanceChecks:
    """Checks of the standards, arrears and deposits sheets; the rows'
    references and errors are :class:`.checker.GoliveCheck`'s."""

    # ------------------------------------------------------------------
    # Fee standards
    # ------------------------------------------------------------------
    def _item(self, row, kinds, message):
        code = row.values["item_code"]
        if code not in self.items:
            Item = self.env["property.fee.item"]
            self.items[code] = Item.search(
                [*Item._check_company_domain(self.company), ("code", "=", code)],
                limit=1,
            )
        item = self.items[code]
        if not item:
            self._error(
                row,
                "item_code",
                self._("there is no fee item with the code %(code)s.", code=code),
            )
        elif item.kind not in kinds:
            self._error(row, "item_code", message % {"item": item.name})
        return item

    def _check_standards(self, rows):
        Standard = self.env["property.fee.standard"]
        site_ids = [s.id for s in self.sites.values() if not isinstance(s, str)]
        existing = {}
        for standard in Standard.search(
            [("site_id", "in", site_ids), ("state", "!=", "refused")]
        ):
            existing[
                (
                    standard.site_id.code,
                    standard.item_id.code,
                    standard.usage or False,
                    standard.date_from,
                )
            ] = standard
        kinds = ("area", "fixed", "metered", "one_off", "deposit", "service", "shared")
        message = self._(
            "%(item)s is a late-fee item: its daily rate is set on the fee standard "
            "form."
        )
        seen = {}
        for row in rows:
            v = row.values
            if v["site_code"] not in self.sites:
                self._error(
                    row,
                    "site_code",
                    self._(
                        "there is no site %(code)s in the file or the database.",
                        code=v["site_code"],
                    ),
                )
            self._item(row, kinds, message)
            v["usage"] = self._word(row, "usage", USAGE_WORDS, False)
            self._positive(row, "rate")
            key = (v["site_code"], v["item_code"], v["usage"], v["date_from"])
            if self._duplicate(seen, key, row, "date_from") or row.action == "error":
                continue
            standard = existing.get(key)
            if standard:
                self._compare(row, standard, {"rate": v["rate"]})
                if row.action == "update" and standard.state == "approved":
                    self._error(
                        row,
                        "rate",
                        self._(
                            "the approved standard %(standard)s has another rate: "
                            "an approved standard "
                            "changes by a new version with a later effective date.",
                            standard=standard.name,
                        ),
                    )

    # ------------------------------------------------------------------
    # Opening arrears and deposits
    # ------------------------------------------------------------------
    def _db_archive_ids(self, rows):
        """Ids of the archives of the database that ``rows`` refer to."""
        archives = (self.archives.get(row.archive_key()) for row in rows)
        return list(
            {a.id for a in archives if a is not None and not isinstance(a, dict)}
        )

    def _check_arrears(self, rows):
        keys = {}
        occ_ids = self._db_archive_ids(rows)
        if occ_ids:
            for key in (
                self.env["property.billing.key"]
                .sudo()
                .search(
                    [("occupancy_id", "in", occ_ids), ("one_off_charge_id", "=", False)]
                )
            ):
                keys[(key.occupancy_id.id, key.item_id.id, key.period_start)] = key
        message = self._(
            "%(item)s is not billed per period: opening arrears are for recurring "
            "fee items."
        )
        seen = {}
        this_month = date(self.today.year, self.today.month, 1)
        for row in rows:
            v = row.values
            archive = self._archive_of(row)
            item = self._item(row, ARREAR_KINDS, message)
            self._positive(row, "amount")
            if v["period"] > this_month:
                month = v["period"].strftime("%Y-%m")
                self._error(
                    row, "period", self._("%(date)s is in the future.", date=month)
                )
            move_out = archive and (
                archive.get("row").values.get("move_out_date")
                if isinstance(archive, dict)
                else archive.move_out_date
            )
            if v["period"] < date(
                v["move_in_date"].year, v["move_in_date"].month, 1
            ) or (move_out and v["period"] > move_out):
                self._error(
                    row, "period", self._("the period is outside the tenant's stay.")
                )
            if self._duplicate(
                seen, (*row.archive_key(), v["item_code"], v["period"]), row, "period"
            ):
                continue
            if row.action == "error":
                continue
            v["due_date"] = v.get("due_date") or v["period"] + timedelta(
                days=self._due_days(v["site_code"])
            )
            if isinstance(archive, dict):
                continue
            self._check_billed(row, keys.get((archive.id, item.id, v["period"])))

    def _due_days(self, site_code):
        """Days between a period's first day and its due date at the site,
        as the site's billing runs count them (new sites: the default)."""
        site = self.sites.get(site_code)
        if isinstance(site, str) or not site:
            Site = self.env["property.site"]
            return Site.default_get(["billing_due_days"]).get("billing_due_days") or 0
        return site.billing_due_days or 0

    def _check_billed(self, row, key):
        if not key:
            return
        line = key.move_line_id
        if not line.move_id.property_golive_import_id:
            self._error(
                row,
                "period",
                self._(
                    "this period is already billed in the suite (%(move)s).",
                    move=line.move_id.name or "-",
                ),
            )
            return
        row.record = line
        if line.currency_id.compare_amounts(line.price_unit, row.values["amount"]):
            self._error(
                row,
                "amount",
                self._(
                    "the opening arrear %(move)s is posted with %(amount)s: credit "
                    "it in Accounting "
                    "before importing another amount.",
                    move=line.move_id.name,
                    amount=line.price_unit,
                ),
            )
            return
        if line.move_id.invoice_date_due != row.values["due_date"]:
            self._error(
                row,
                "due_date",
                self._(
                    "the opening arrear %(move)s is posted as due on %(date)s: "
                    "credit it in Accounting before importing another due date.",
                    move=line.move_id.name,
                    date=line.move_id.invoice_date_due,
                ),
            )
            return
        row.action = "unchanged"

    def _check_deposits(self, rows):
        charges = {}
        occ_ids = self._db_archive_ids(rows)
        if occ_ids:
            for charge in self.env["property.charge.one.off"].search(
                [
                    ("occupancy_id", "in", occ_ids),
                    ("item_kind", "=", "deposit"),
                    ("state", "!=", "cancel"),
                ]
            ):
                charges[(charge.occupancy_id.id, charge.item_id.id, charge.date)] = (
                    charge
                )
        message = self._(
            "%(item)s is not a deposit: deposits held are imported on a fee item of "
            "kind Deposit."
        )
        seen = {}
        for row in rows:
            v = row.values
            archive = self._archive_of(row)
            item = self._item(row, ("deposit",), message)
            self._positive(row, "amount")
            self._not_future(row, "date", v["date"])
            if self._duplicate(
                seen, (*row.archive_key(), v["item_code"], v["date"]), row, "date"
            ):
                continue
            if row.action == "error" or isinstance(archive, dict):
                continue
            charge = charges.get((archive.id, item.id, v["date"]))
            if charge:
                row.record = charge
                row.action = "unchanged"
                if charge.currency_id.compare_amounts(charge.amount, v["amount"]):
                    self._error(
                        row,
                        "amount",
                        self._(
                            "the deposit %(charge)s is held with %(amount)s: refund "
                            "it before importing "
                            "another amount.",
                            charge=charge.display_name,
                            amount=charge.amount,
                        ),
                    )
