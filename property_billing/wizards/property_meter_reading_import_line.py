from odoo import fields, models

IMPORT_STATUSES = [
    ("done", "Imported"),
    ("duplicate", "Already Imported"),
    ("error", "Rejected"),
]


class PropertyMeterReadingImportLine(models.TransientModel):
    _name = "property.meter.reading.import.line"
    _description = "Import Meter Readings: Report Line"
    _order = "row, id"

    wizard_id = fields.Many2one(
        "property.meter.reading.import", required=True, ondelete="cascade"
    )
    row = fields.Integer(readonly=True)
    column = fields.Char(readonly=True)
    status = fields.Selection(IMPORT_STATUSES, readonly=True)
    message = fields.Text(readonly=True)
