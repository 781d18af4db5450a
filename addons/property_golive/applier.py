"""Applying a checked go-live workbook: the rows of a :class:`GoliveCheck`
written in dependency order (sites, buildings, units, archives, members,
documents, meters, standards, opening arrears, deposits), in batches, with the
opening entries of finance.  The caller runs it inside one savepoint: any
error and nothing of the file is kept.

A large file's opening invoices (one per former bill: 120,000 for 10,000
archives owing a year) cost what billing them costs and would not fit in one
worker's time limits: with ``defer_arrears`` the arrears step only lists them
(:attr:`GoliveApply.deferred_arrears`), and the import posts them in
background batches (:meth:`GoliveApply.create_opening_invoices`), each batch
all or nothing, run again until done."""

import logging

from odoo import Command, fields

from odoo.addons.property_billing.billing import month_end

from . import opening

_logger = logging.getLogger(__name__)

BATCH = 500


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class GoliveApply:
    def __init__(self, record, check, progress=None, defer_arrears=False):
        self.record = record
        self.env = record.env
        self.company = record.company_id
        self.check = check
        self.date = record.cutover_date
        self.progress = progress or (lambda done, message: None)
        self.created = dict.fromkeys(check.rows, 0) if check else {}
        self.defer_arrears = defer_arrears
        # [[occupancy id, due date, [[item id, period, amount], ...]], ...]
        self.deferred_arrears = []

    def run(self):
        steps = (
            ("units", self._apply_units),
            ("archives", self._apply_archives),
            ("members", self._apply_members),
            ("documents", self._apply_documents),
            ("meters", self._apply_meters),
            ("standards", self._apply_standards),
            ("arrears", self._apply_arrears),
            ("deposits", self._apply_deposits),
        )
        for index, (key, method) in enumerate(steps):
            self._step = (index, len(steps), key)
            self.progress(100.0 * index / len(steps), key)
            method(self.check.rows[key])
        self.progress(100.0, "done")

    def _step_progress(self, done, total):
        """Progress within the current step (``done`` of ``total``)."""
        index, count, key = self._step
        self.progress(100.0 * (index + done / max(total, 1)) / count, key)

    def _release_memory(self):
        """Writes what is pending and empties the record cache: a large
        file's records stay in the transaction, not in this process."""
        self.env.flush_all()
        self.env.invalidate_all()

    @staticmethod
    def _todo(rows, action):
        return [row for row in rows if row.action == action]

    # ------------------------------------------------------------------
    def _apply_units(self, rows):
        check = self.check
        Site = self.env["property.site"]
        for code, site in list(check.sites.items()):
            if isinstance(site, str):
                check.sites[code] = Site.create(
                    {"name": site, "code": code, "company_id": self.company.id}
                )
        Building = self.env["property.building"]
        for (site_code, code), building in list(check.buildings.items()):
            if isinstance(building, str):
                check.buildings[(site_code, code)] = Building.create(
                    {
                        "name": building,
                        "code": code,
                        "site_id": check.sites[site_code].id,
                    }
                )
        Unit = self.env["property.unit"]
        for chunk in _chunks(self._todo(rows, "create")):
            units = Unit.create([self._unit_vals(row) for row in chunk])
            for row, unit in zip(chunk, units, strict=True):
                check.units[(row.values["site_code"], row.values["unit_code"])] = unit
        for row in self._todo(rows, "update"):
            vals = self._unit_vals(row)
            row.record.write(
                {k: vals[k] for k in ("area", "usage", "floor", "building_id")}
            )

    def _unit_vals(self, row):
        v = row.values
        site = self.check.sites[v["site_code"]]
        return {
            "code": v["unit_code"],
            "site_id": site.id,
            "building_id": self.check.buildings[
                (v["site_code"], v["building_code"])
            ].id,
            "floor": v.get("floor") or 0,
            "usage": v["usage"],
            "area": v["area"],
        }

    # ------------------------------------------------------------------
    @staticmethod
    def _tenant_key(values):
        """Who a row's tenant is: the name with the ID or tax number when
        given, else the name and phone; a name alone is one tenant across
        the file (a tenant renting several units)."""
        vat = (values.get("tenant_vat") or "").strip()
        if vat:
            return ("vat", vat, values["tenant_name"])
        return ("name", values["tenant_name"], values.get("tenant_phone") or "")

    def _partners(self, rows):
        """Tenants of the rows, by :meth:`_tenant_key`: found in the
        database (same ID/tax number; or same name and phone; or, for a name
        alone, a tenant of an archive of the company of that name) or
        created once per key.  A contact that merely shares a tenant's name
        (an employee, a supplier) is never taken for the tenant."""
        Partner = self.env["res.partner"]
        names = list({row.values["tenant_name"] for row in rows})
        found = {}
        for partner in Partner.search_fetch(
            [("name", "in", names), ("company_id", "in", (False, self.company.id))],
            ["name", "phone", "vat"],
            order="id",
        ):
            if partner.vat:
                found.setdefault(("vat", partner.vat, partner.name), partner)
            if partner.phone:
                found.setdefault(("name", partner.name, partner.phone), partner)
        tenants = self.env["property.occupancy"].search_fetch(
            [
                ("tenant_id.name", "in", names),
                ("company_id", "=", self.company.id),
            ],
            ["tenant_id"],
            order="id",
        )
        for occupancy in tenants:
            found.setdefault(
                ("name", occupancy.tenant_id.name, ""), occupancy.tenant_id
            )
        missing = {}
        for row in rows:
            key = self._tenant_key(row.values)
            if key not in found and key not in missing:
                missing[key] = {
                    "name": row.values["tenant_name"],
                    "phone": row.values.get("tenant_phone") or False,
                    "vat": row.values.get("tenant_vat") or False,
                }
        for chunk in _chunks(list(missing.items())):
            partners = Partner.create([vals for _key, vals in chunk])
            for (key, _vals), partner in zip(chunk, partners, strict=True):
                found[key] = partner
        return found

    def _apply_archives(self, rows):
        check = self.check
        todo = self._todo(rows, "create")
        partners = self._partners(todo)
        Occupancy = self.env["property.occupancy"]
        for chunk in _chunks(todo):
            vals_list = []
            for row in chunk:
                v = row.values
                unit = check.units[(v["site_code"], v["unit_code"])]
                partner = partners[self._tenant_key(v)]
                vals_list.append(
                    {
                        "unit_id": unit.id,
                        "tenant_id": partner.id,
                        "tenant_kind": v["tenant_kind"],
                        "move_in_date": v["move_in_date"],
                        "handover_date": v["move_in_date"],
                        "move_out_date": v.get("move_out_date") or False,
                        "state": "ended" if v.get("move_out_date") else "active",
                    }
                )
            occupancies = Occupancy.create(vals_list)
            occupancies.unit_id._sync_status_from_occupancy()
            for row, occupancy in zip(chunk, occupancies, strict=True):
                check.archives[row.archive_key()] = occupancy
        for row in self._todo(rows, "update"):
            row.record.write(
                {
                    **row.changes,
                    "state": "ended"
                    if row.changes.get("move_out_date")
                    else row.record.state,
                }
            )

    def _apply_members(self, rows):
        Member = self.env["property.occupancy.member"]
        for chunk in _chunks(self._todo(rows, "create")):
            Member.create(
                [
                    {
                        "occupancy_id": self.check.archives[row.archive_key()].id,
                        "name": row.values["member_name"],
                        "relation": row.values["relation"],
                        "phone": row.values.get("phone") or False,
                    }
                    for row in chunk
                ]
            )
        for row in self._todo(rows, "update"):
            row.record.write(row.changes)

    def _apply_documents(self, rows):
        """The documents each archive holds, as the former system knew them:
        a document whose original was checked is marked verified (by the
        user applying the file, on the file's date); files are attached
        later, in the archive."""
        Document = self.env["property.document"]
        Type = self.env["property.document.type"]
        for chunk in _chunks(self._todo(rows, "create")):
            vals_list = []
            for row in chunk:
                v = row.values
                doc_type = Type.browse(v["document_type_id"])
                vals_list.append(
                    {
                        "name": " ".join(filter(None, (doc_type.name, v["reference"]))),
                        "document_type_id": doc_type.id,
                        "occupancy_id": self.check.archives[row.archive_key()].id,
                        "reference": v["reference"] or False,
                        "issue_date": v.get("issue_date") or False,
                        "expiry_date": v.get("expiry_date") or False,
                        **self._verified(v.get("verified_date")),
                    }
                )
            Document.create(vals_list)
        for row in self._todo(rows, "update"):
            changes = dict(row.changes)
            if "verified_date" in changes:
                changes.update(self._verified(changes["verified_date"]))
            row.record.write(changes)

    def _verified(self, day):
        return {
            "verified_date": day or False,
            "verified_by_id": self.env.user.id if day else False,
        }

    def _apply_meters(self, rows):
        Meter = self.env["property.meter"]
        Reading = self.env["property.meter.reading"]
        for chunk in _chunks(self._todo(rows, "create")):
            meters = Meter.create(
                [
                    {
                        "serial": row.values["serial"],
                        "unit_id": self.check.units[
                            (row.values["site_code"], row.values["unit_code"])
                        ].id,
                        "meter_type": row.values["meter_type"],
                        "install_date": row.values["reading_date"],
                        "initial_reading": row.values["reading_value"],
                    }
                    for row in chunk
                ]
            )
            Reading.create(
                [
                    {
                        "meter_id": meter.id,
                        "date": row.values["reading_date"],
                        "value": row.values["reading_value"],
                        "note": self.env._(
                            "Go-live: last reading of the former system"
                        ),
                    }
                    for row, meter in zip(chunk, meters, strict=True)
                ]
            )
        for row in self._todo(rows, "update"):
            Reading.create(
                {
                    "meter_id": row.record.id,
                    "date": row.values["reading_date"],
                    "value": row.values["reading_value"],
                    "note": self.env._("Go-live: last reading of the former system"),
                }
            )

    def _apply_standards(self, rows):
        Standard = self.env["property.fee.standard"]
        todo = self._todo(rows, "create")
        if todo:
            standards = Standard.create(
                [
                    {
                        "item_id": self.check.items[row.values["item_code"]].id,
                        "site_id": self.check.sites[row.values["site_code"]].id,
                        "usage": row.values["usage"],
                        "date_from": row.values["date_from"],
                        "rate": row.values["rate"],
                    }
                    for row in todo
                ]
            )
            standards.action_submit()
            standards.action_approve()
        for row in self._todo(rows, "update"):
            row.record.write(row.changes)

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------
    def _by_archive(self, rows):
        """Rows to create by (archive, due date): one opening invoice per
        bill of the former system, so that dunning and late fees count each
        period from its own due date."""
        groups = {}
        for row in self._todo(rows, "create"):
            due = row.values.get("due_date") or self.date
            key = (self.check.archives[row.archive_key()], due)
            groups.setdefault(key, []).append(row)
        return groups

    def _move_vals(self, occupancy, due_date, lines):
        return {
            "move_type": "out_invoice",
            "partner_id": occupancy.tenant_id.id,
            "journal_id": self.company._property_opening_journal().id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_date_due": due_date,
            "property_site_id": occupancy.site_id.id,
            "property_golive_import_id": self.record.id,
            "invoice_origin": self.env._("Opening balance"),
            "invoice_line_ids": lines,
        }

    def _arrear_line(self, occupancy, item, period, amount, account):
        return Command.create(
            {
                "product_id": item.product_id.id,
                "name": f"{item.name} {period:%Y-%m}",
                "account_id": account.id,
                "tax_ids": [Command.clear()],
                "quantity": 1,
                "price_unit": self.company.currency_id.round(amount),
                "property_occupancy_id": occupancy.id,
                "property_fee_item_id": item.id,
                "property_period_start": period,
                "property_period_end": month_end(period),
            }
        )

    def _apply_arrears(self, rows):
        groups = [
            (
                occupancy,
                due,
                [
                    (
                        self.check.items[row.values["item_code"]],
                        row.values["period"],
                        row.values["amount"],
                    )
                    for row in occ_rows
                ],
            )
            for (occupancy, due), occ_rows in self._by_archive(rows).items()
        ]
        if self.defer_arrears:
            self.deferred_arrears = [
                [
                    occupancy.id,
                    fields.Date.to_string(due),
                    [
                        [item.id, fields.Date.to_string(period), amount]
                        for item, period, amount in lines
                    ],
                ]
                for occupancy, due, lines in groups
            ]
            return
        self.create_opening_invoices(groups)

    def create_opening_invoices(self, groups):
        """Post one opening invoice per ``(occupancy, due date, [(fee item,
        period, amount)])`` of ``groups`` with the billed keys of its lines,
        200 at a time, the record cache emptied after each."""
        account = self.company._property_opening_account()
        Move = self.env["account.move"].with_company(self.company)
        Key = self.env["property.billing.key"].sudo()
        fast = None
        for done, chunk in enumerate(_chunks(groups, 200)):
            vals_list = [
                self._move_vals(
                    occ,
                    due,
                    [
                        self._arrear_line(occ, item, period, amount, account)
                        for item, period, amount in lines
                    ],
                )
                for occ, due, lines in chunk
            ]
            if fast is None:
                fast = self._prepared_path_ok(Move, vals_list[0])
            if fast:
                moves = Move.with_context(skip_invoice_sync=True).create(
                    [self._prepared(vals) for vals in vals_list]
                )
            else:
                moves = Move.create(vals_list)
            moves._property_post_invoices()
            Key.create(
                [
                    {
                        "occupancy_id": line.property_occupancy_id.id,
                        "item_id": line.property_fee_item_id.id,
                        "period_start": line.property_period_start,
                        "period_end": line.property_period_end,
                        "move_id": line.move_id.id,
                        "move_line_id": line.id,
                        "company_id": self.company.id,
                    }
                    for line in moves.invoice_line_ids
                ]
            )
            self._release_memory()
            if self.check:
                self._step_progress(min((done + 1) * 200, len(groups)), len(groups))

    def _receivable(self, partner_id):
        partner = self.env["res.partner"].browse(partner_id).with_company(self.company)
        return partner.commercial_partner_id.property_account_receivable_id

    def _prepared(self, vals):
        return opening.prepared_vals(
            vals, self._receivable(vals["partner_id"]), self.company.currency_id
        )

    def _prepared_path_ok(self, Move, vals):
        """The first opening invoice built both ways: the prepared path is
        taken when it gives Odoo's journal items (see :mod:`.opening`)."""
        difference = opening.differs(
            Move, vals, self._receivable(vals["partner_id"]), self.company.currency_id
        )
        if difference:
            _logger.warning(
                "go-live: prepared opening invoices differ from Odoo's (%s); "
                "the file is applied by Odoo's own path",
                difference,
            )
        return not difference

    def _apply_deposits(self, rows):
        """Each deposit held: a deposit charge of the archive billed on an
        opening invoice (receivable → deposit liability) whose receivable is
        settled by an opening entry (opening-balance account → receivable),
        so the charge is paid and counts in the archive's deposits held."""
        Charge = self.env["property.charge.one.off"]
        Key = self.env["property.billing.key"].sudo()
        for (occupancy, due), occ_rows in self._by_archive(rows).items():
            charges = Charge.create(
                [
                    {
                        "occupancy_id": occupancy.id,
                        "item_id": self.check.items[row.values["item_code"]].id,
                        "date": row.values["date"],
                        "quantity": 1,
                        "origin_ref": self.env._("Opening balance"),
                    }
                    for row in occ_rows
                ]
            )
            # the amount held, not today's standard (set once the standard
            # is computed: it prices the charge on create)
            for charge, row in zip(charges, occ_rows, strict=True):
                charge.write({"standard_id": False, "price_unit": row.values["amount"]})
            lines = [Command.create(charge._invoice_line_vals()) for charge in charges]
            move = (
                self.env["account.move"]
                .with_company(self.company)
                .create(self._move_vals(occupancy, due, lines))
            )
            for charge, line in zip(charges, move.invoice_line_ids, strict=True):
                key = Key.create(
                    {
                        "occupancy_id": occupancy.id,
                        "item_id": charge.item_id.id,
                        "period_start": charge.date,
                        "period_end": charge.date,
                        "move_id": move.id,
                        "move_line_id": line.id,
                        "one_off_charge_id": charge.id,
                        "company_id": self.company.id,
                    }
                )
                charge._mark_billed(key)
            move.action_post()
            self._settle(move)

    def _settle(self, invoice):
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        amount = sum(receivable.mapped("balance"))
        opening = self.company._property_opening_account()
        entry = (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": invoice.journal_id.id,
                    "date": self.date,
                    "ref": self.env._(
                        "Opening balance: deposits held by %(tenant)s",
                        tenant=invoice.partner_id.name,
                    ),
                    "property_golive_import_id": self.record.id,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": opening.id,
                                "partner_id": invoice.partner_id.id,
                                "debit": amount,
                                "name": invoice.ref or invoice.name,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": receivable[0].account_id.id,
                                "partner_id": invoice.commercial_partner_id.id,
                                "credit": amount,
                                "name": invoice.name,
                            }
                        ),
                    ],
                }
            )
        )
        entry.action_post()
        (
            receivable
            | entry.line_ids.filtered(
                lambda line: line.account_id == receivable[0].account_id
            )
        ).reconcile()
