"""Pure rules of the service desk, tested without a database."""

import base64
import io

import qrcode

from odoo.addons.property_tenant.utils import kpi_percent

# Satisfaction levels of a call-back, worst to best (5-level scale).
SATISFACTION_LEVELS = [
    ("1", "Very Unsatisfied"),
    ("2", "Unsatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very Satisfied"),
]


def is_satisfied(level):
    """Satisfied or very satisfied: the only answers that close an item."""
    return bool(level) and int(level) >= 4


def rate(part, whole):
    """A rate in percent, two decimals, by the suite's one KPI rule
    (``kpi_percent``): ``None`` (no value) when there is nothing to measure,
    never 100 %."""
    return kpi_percent(part, whole)


def is_major_repair(
    category_major, estimated_hours, estimated_cost, max_hours, max_cost
):
    """A work order is a major repair (大维修) by category, or when its
    estimate exceeds the configured hours or cost thresholds (0 = no limit)."""
    if category_major:
        return True
    if max_hours and (estimated_hours or 0.0) > max_hours:
        return True
    return bool(max_cost and (estimated_cost or 0.0) > max_cost)


def qr_code_data_uri(payload):
    """The QR code of ``payload`` (a URL) as a PNG data URI, for printed
    documents: work orders, place labels."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2
    )
    code.add_data(payload)
    code.make(fit=True)
    stream = io.BytesIO()
    code.make_image().save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()
