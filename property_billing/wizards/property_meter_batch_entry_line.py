from odoo import api, fields, models

from ..metering import reading_consumption


class PropertyMeterBatchEntryLine(models.TransientModel):
    _name = "property.meter.batch.entry.line"
    _description = "Meter Readings Batch Entry Line"
    _order = "id"

    wizard_id = fields.Many2one(
        "property.meter.batch.entry", required=True, ondelete="cascade"
    )
    meter_id = fields.Many2one("property.meter", required=True, readonly=True)
    unit_id = fields.Many2one(related="meter_id.unit_id")
    serial = fields.Char(related="meter_id.serial")
    multiplier = fields.Float(related="meter_id.multiplier")
    previous_date = fields.Date(readonly=True)
    previous_value = fields.Float(
        string="Previous Reading", readonly=True, digits=(16, 3)
    )
    value = fields.Float(string="Reading", digits=(16, 3))
    is_rollover = fields.Boolean(string="Rollover")
    skip = fields.Boolean(
        string="Not Read", help="The meter could not be read: no reading is recorded."
    )
    existing_reading_id = fields.Many2one(
        "property.meter.reading", string="Already Read", readonly=True
    )
    consumption = fields.Float(compute="_compute_consumption", digits=(16, 3))
    error = fields.Text(readonly=True)

    @api.depends("value", "previous_value", "is_rollover", "meter_id")
    def _compute_consumption(self):
        for line in self:
            try:
                line.consumption = float(
                    reading_consumption(
                        line.previous_value,
                        line.value,
                        line.meter_id.multiplier or 1.0,
                        line.is_rollover,
                        line.meter_id.rollover_value,
                    )
                )
            except ValueError:
                line.consumption = 0.0

    def _reading_vals(self):
        self.ensure_one()
        return {
            "meter_id": self.meter_id.id,
            "date": self.wizard_id.date,
            "value": self.value,
            "is_rollover": self.is_rollover,
            "reader_id": self.wizard_id.reader_id.id,
            "origin": "batch",
        }
