"""Pure arithmetic of paid services and work order costs, tested without a
database.  Amounts are rounded half up to the cent, as on a bill."""

from decimal import Decimal

from odoo.addons.property_billing.billing import cents, to_decimal


def line_amount(quantity, unit_price):
    """Amount of one line (a quoted service, a material, the labour):
    quantity × unit price, to the cent."""
    quantity, unit_price = to_decimal(quantity or 0), to_decimal(unit_price or 0)
    if quantity < 0 or unit_price < 0:
        raise ValueError("quantities and prices are never negative")
    return cents(quantity * unit_price)


def quote_total(lines):
    """Total of a quote: the sum of its rounded line amounts, for
    ``lines`` as ``[(quantity, unit price), ...]``."""
    return sum((line_amount(q, p) for q, p in lines), Decimal("0.00"))


def work_order_cost(materials, hours, hourly_cost):
    """The cost of a work order: ``(material amounts, labour amount, total)``
    for ``materials`` as ``[(quantity, unit cost), ...]``, the hours worked
    and the hourly labour cost."""
    material_amounts = [line_amount(q, c) for q, c in materials]
    labour = line_amount(hours or 0.0, hourly_cost or 0.0)
    return material_amounts, labour, sum(material_amounts, Decimal("0.00")) + labour


def group_by_item(lines):
    """Charges of paid services by fee item: ``{item: total}`` for
    ``lines`` as ``[(item, quantity, unit price), ...]``, items in order of
    first appearance."""
    totals = {}
    for item, quantity, unit_price in lines:
        totals[item] = totals.get(item, Decimal("0.00")) + line_amount(
            quantity, unit_price
        )
    return totals
