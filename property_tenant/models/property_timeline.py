from odoo import api, fields, models


class PropertyTimeline(models.AbstractModel):
    """The tenant's whole story (R-ARC-6): one chronological list of what
    happened to a unit, a tenancy or a customer, built from every app.

    Each app adds its own rows by extending :meth:`_timeline_rows` (calling
    ``super()``) and reads only its own tables: the archive gives tenancies,
    documents, defects and archive checks; the desk its items, work orders,
    call-backs and parcels; the fees their bills, payments and dunning; the
    community the events attended and notices read.  A row is a dict
    ``{date, kind, name, detail, model, res_id, portal}``; ``portal`` rows
    are the tenant's own and shown in the tenant portal."""

    _name = "property.timeline"
    _description = "Tenant History"

    @api.model
    def _timeline_scope(self, units=None, occupancies=None, partners=None):
        """The records a story is about: ``{"units", "occupancies",
        "partners"}``.  A unit's story holds every tenancy of the unit; a
        tenancy's and a customer's also what the customer did elsewhere
        (partners are commercial partners)."""
        Occupancy = self.env["property.occupancy"]
        units = units or self.env["property.unit"]
        occupancies = occupancies or Occupancy
        partners = (partners or self.env["res.partner"]).commercial_partner_id
        if occupancies:
            partners |= occupancies.tenant_id.commercial_partner_id
        elif partners:
            occupancies = Occupancy.search(
                [("tenant_id.commercial_partner_id", "in", partners.ids)]
            )
        elif units:
            occupancies = Occupancy.search([("unit_id", "in", units.ids)])
        units |= occupancies.unit_id
        return {"units": units, "occupancies": occupancies, "partners": partners}

    @api.model
    def _timeline_rows(self, scope):
        """The rows of the archive: tenancies, documents, defects, checks."""
        _ = self.env._
        rows = []
        for occupancy in scope["occupancies"]:
            if occupancy.move_in_date:
                rows.append(
                    self._timeline_row(
                        occupancy.move_in_date,
                        _("Tenancy"),
                        _("Moved in: %s", occupancy.tenant_id.name),
                        occupancy,
                        detail=occupancy.unit_id.display_name,
                        portal=True,
                    )
                )
            if occupancy.move_out_date:
                rows.append(
                    self._timeline_row(
                        occupancy.move_out_date,
                        _("Tenancy"),
                        _("Moved out: %s", occupancy.tenant_id.name),
                        occupancy,
                        detail=occupancy.unit_id.display_name,
                        portal=True,
                    )
                )
        # each app reads only what the user may read
        documents = self.env["property.document"].search(
            [
                "|",
                ("occupancy_id", "in", scope["occupancies"].ids),
                ("unit_id", "in", scope["units"].ids),
            ]
        )
        for document in documents:
            rows.append(
                self._timeline_row(
                    document.issue_date or document.create_date,
                    _("Document"),
                    document.name,
                    document,
                    detail=document.document_type_id.name,
                    portal=document.portal_visible,
                )
            )
        defects = self.env["property.defect"].search(
            [("unit_id", "in", scope["units"].ids)]
        )
        for defect in defects:
            rows.append(
                self._timeline_row(
                    defect.found_date, _("Defect"), defect.display_name, defect
                )
            )
            if defect.fixed_date:
                rows.append(
                    self._timeline_row(
                        defect.fixed_date,
                        _("Defect"),
                        _("Fixed: %s", defect.summary),
                        defect,
                    )
                )
        return rows

    @api.model
    def _timeline_row(self, when, kind, name, record, detail="", portal=False):
        return {
            "date": fields.Datetime.to_datetime(when),
            "kind": kind,
            "name": name,
            "detail": detail or "",
            "model": record._name,
            "res_id": record.id,
            "portal": portal,
        }

    @api.model
    def timeline(self, units=None, occupancies=None, partners=None, portal=False):
        """The story, newest first (``portal``: the tenant's own rows)."""
        scope = self._timeline_scope(units, occupancies, partners)
        rows = [
            row
            for row in self._timeline_rows(scope)
            if row["date"] and (row["portal"] or not portal)
        ]
        rows.sort(
            key=lambda row: (row["date"], row["model"], row["res_id"]), reverse=True
        )
        return rows

    @api.model
    def action_open(self, name, **scope):
        """The story as a list whose lines open their records."""
        Line = self.env["property.timeline.line"]
        lines = Line.create(
            [
                {
                    key: row[key]
                    for key in ("date", "kind", "name", "detail", "model", "res_id")
                }
                for row in self.timeline(**scope)
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "property.timeline.line",
            "view_mode": "list",
            "domain": [("id", "in", lines.ids)],
            "context": {"create": False},
        }


class PropertyTimelineLine(models.TransientModel):
    _name = "property.timeline.line"
    _description = "Tenant History Line"
    _order = "date desc, id"

    date = fields.Datetime()
    kind = fields.Char(string="What")
    name = fields.Char(string="Event")
    detail = fields.Char()
    model = fields.Char()
    res_id = fields.Integer()

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
