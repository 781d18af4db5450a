from odoo import api, fields, models
from odoo.exceptions import UserError


class PropertyMeterReplace(models.TransientModel):
    """Replace a meter (换表): the old meter ends with its final reading, the
    new one starts from its initial reading on the same day."""

    _name = "property.meter.replace"
    _description = "Replace Meter"

    meter_id = fields.Many2one("property.meter", required=True, readonly=True)
    serial = fields.Char(related="meter_id.serial")
    unit_id = fields.Many2one(related="meter_id.unit_id")
    date = fields.Date(
        string="Replaced On", required=True, default=fields.Date.context_today
    )
    final_reading = fields.Float(
        digits=(16, 3),
        required=True,
        help="Register of the old meter when it was removed.",
    )
    is_rollover = fields.Boolean(
        string="Final Reading Rolled Over",
        help="The old register passed its maximum since its last reading.",
    )
    new_serial = fields.Char(string="New Serial Number", required=True)
    new_initial_reading = fields.Float(
        digits=(16, 3),
        help="Register of the new meter when it was installed.",
    )
    new_multiplier = fields.Float(digits=(16, 4), required=True, default=1.0)
    new_rollover_value = fields.Float(string="New Register Maximum", digits=(16, 3))
    note = fields.Char(string="Reason")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        meter = self.env["property.meter"].browse(values.get("meter_id"))
        if meter:
            values.setdefault("new_multiplier", meter.multiplier)
            values.setdefault("new_rollover_value", meter.rollover_value)
            values.setdefault(
                "final_reading", meter.last_reading_value or meter.initial_reading
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        meter = self.meter_id
        if meter.state != "in_service":
            raise UserError(
                self.env._(
                    "Meter %(serial)s is no longer in service.", serial=meter.serial
                )
            )
        note = self.env._(
            "Final reading: meter replaced by %(new)s.", new=self.new_serial
        )
        if self.note:
            note = f"{note} {self.note}"
        Reading = self.env["property.meter.reading"]
        final = Reading.search([("meter_id", "=", meter.id), ("date", "=", self.date)])
        if final and final.value != self.final_reading:
            raise UserError(
                self.env._(
                    "Meter %(serial)s already has a reading of %(value)s on "
                    "%(date)s: enter it as the final reading, or replace the "
                    "meter on another day.",
                    serial=meter.serial,
                    value=final.value,
                    date=self.date,
                )
            )
        if not final:
            Reading.create(
                {
                    "meter_id": meter.id,
                    "date": self.date,
                    "value": self.final_reading,
                    "is_rollover": self.is_rollover,
                    "origin": "replacement",
                    "note": note,
                }
            )
        new_meter = meter.copy(
            {
                "serial": self.new_serial,
                "initial_reading": self.new_initial_reading,
                "multiplier": self.new_multiplier,
                "rollover_value": self.new_rollover_value,
                "install_date": self.date,
                "replaces_id": meter.id,
                "note": self.note,
            }
        )
        meter.write(
            {
                "state": "replaced",
                "replaced_on": self.date,
                "replaced_by_id": new_meter.id,
            }
        )
        meter.message_post(body=note)
        new_meter.message_post(
            body=self.env._("Replaces meter %(old)s.", old=meter.serial)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.meter",
            "res_id": new_meter.id,
            "view_mode": "form",
        }
