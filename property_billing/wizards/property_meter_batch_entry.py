from contextlib import closing

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.property_fee_item import METER_TYPES


class PropertyMeterBatchEntry(models.TransientModel):
    """Batch entry (批量抄表) of the readings of a building's meters on one
    date: every meter in service is listed with its previous reading; the
    readings are recorded all together or, if a line is wrong, not at all."""

    _name = "property.meter.batch.entry"
    _description = "Meter Readings Batch Entry"

    site_id = fields.Many2one("property.site", required=True)
    building_id = fields.Many2one(
        "property.building", domain="[('site_id', '=', site_id)]"
    )
    meter_type = fields.Selection(METER_TYPES, required=True, default="water")
    date = fields.Date(
        string="Reading Date", required=True, default=fields.Date.context_today
    )
    reader_id = fields.Many2one(
        "res.users",
        string="Read By",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    line_ids = fields.One2many(
        "property.meter.batch.entry.line",
        "wizard_id",
        string="Meters",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    error_count = fields.Integer(compute="_compute_error_count")

    @api.onchange("site_id")
    def _onchange_site_id(self):
        if self.building_id.site_id != self.site_id:
            self.building_id = False

    @api.depends("site_id", "building_id", "meter_type", "date")
    def _compute_line_ids(self):
        Meter = self.env["property.meter"]
        Reading = self.env["property.meter.reading"]
        for wizard in self:
            if not (wizard.site_id and wizard.meter_type and wizard.date):
                wizard.line_ids = [Command.clear()]
                continue
            domain = [
                ("site_id", "=", wizard.site_id.id),
                ("meter_type", "=", wizard.meter_type),
                ("state", "=", "in_service"),
                ("install_date", "<=", wizard.date),
            ]
            if wizard.building_id:
                domain.append(("building_id", "=", wizard.building_id.id))
            meters = Meter.search(domain)
            previous = meters._last_readings(before=wizard.date)
            existing = {
                reading.meter_id.id: reading
                for reading in Reading.search(
                    [("meter_id", "in", meters.ids), ("date", "=", wizard.date)]
                )
            }
            # what was typed already stays when the date or building changes
            typed = {
                line.meter_id.id: line for line in wizard.line_ids if line.meter_id
            }
            commands = [Command.clear()]
            for meter in meters:
                last = previous.get(meter.id)
                done = existing.get(meter.id)
                old = typed.get(meter.id)
                commands.append(
                    Command.create(
                        {
                            "meter_id": meter.id,
                            "previous_date": last.date if last else meter.install_date,
                            "previous_value": last.value
                            if last
                            else meter.initial_reading,
                            "existing_reading_id": done.id if done else False,
                            "value": done.value
                            if done
                            else (old.value if old else 0.0),
                            "is_rollover": old.is_rollover
                            if old and not done
                            else False,
                            "skip": old.skip if old and not done else False,
                        }
                    )
                )
            wizard.line_ids = commands

    @api.depends("line_ids.error")
    def _compute_error_count(self):
        for wizard in self:
            wizard.error_count = len(wizard.line_ids.filtered("error"))

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Batch Entry of Readings"),
        }

    def action_validate(self):
        """Record the readings of every line not marked "Not Read"; when a
        line is refused, record none and show every refused line."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda line: not line.skip and not line.existing_reading_id
        )
        if not lines:
            raise UserError(
                self.env._(
                    "There is no reading to record: enter the readings, or untick "
                    "Not Read."
                )
            )
        Reading = self.env["property.meter.reading"].with_context(
            mail_create_nolog=True
        )
        errors = {}
        try:
            # all lines at once: the usual case
            with self.env.cr.savepoint():
                created = Reading.create([line._reading_vals() for line in lines])
        except (ValidationError, psycopg2.IntegrityError):
            errors = self._refused_lines(Reading, lines)
            created = Reading
        for line in self.line_ids:
            line.error = errors.get(line.id, False)
        if errors:
            return self._reopen()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_meter_reading_action"
        )
        action["domain"] = [("id", "in", created.ids)]
        action["context"] = {}
        return action

    def _refused_lines(self, Reading, lines):
        """``{line id: why it is refused}``, trying each line on its own;
        nothing stays written."""
        errors = {}
        # closing() rolls the outer savepoint back whatever happens
        with closing(self.env.cr.savepoint()):
            for line in lines:
                try:
                    with self.env.cr.savepoint():
                        Reading.create(line._reading_vals())
                except ValidationError as error:
                    errors[line.id] = str(error.args[0])
                except psycopg2.IntegrityError:
                    errors[line.id] = self.env._(
                        "The meter already has a reading on this date."
                    )
        return errors
