from odoo import api, models


class PropertyChargeSource(models.AbstractModel):
    """Where the charges of a billing run come from: the one hook.

    A billing run knows its charges only through this model.  A source of
    charges (the billing plans' fixed and area fees, meter consumption,
    shared costs, late fees, one-off charges, paid services, …) is an
    abstract model that inherits from this one, in a file of its own, and
    implements the methods below; the run calls every installed source in
    the order of ``_charge_sequence``.  A module adds a source by adding
    such a model: nothing in the run changes.

    A charge is a dict with the keys ``plan``, ``item`` (a fee item),
    ``standard`` (the approved fee standard it was priced by, or an empty
    recordset when the price comes from elsewhere, e.g. an accepted quote),
    ``period_start`` (with the archive and the item, the billed-period key
    that keeps the charge from being billed twice), ``billed_start``,
    ``billed_end``, ``quantity``, ``price_unit``, ``name`` (the label
    printed on the bill, in the payer's language) and ``warning``; optional:
    ``skip`` (previewed, not billed), ``source_ref`` and whatever the source
    reads back in :meth:`_charge_line_vals`.  A source raises
    :class:`~odoo.exceptions.UserError` or
    :class:`~odoo.exceptions.ValidationError` for the archive's own data
    errors: the archive is listed among the run's errors, the others go on.
    """

    _name = "property.charge.source"
    _description = "Source of Billing Run Charges"

    # the order in which the run asks the sources, and so the order of the
    # lines on a bill
    _charge_sequence = 100

    @api.model
    def _charge_sources(self):
        """Every installed source, in order."""
        names = self.env.registry[self._name]._inherit_children
        sources = [self.env[name] for name in names if name != self._name]
        return sorted(
            sources, key=lambda source: (source._charge_sequence, source._name)
        )

    def _charge_context(self, run, ctx):
        """What this source looks up for every archive of ``run``, loaded
        once per run; kept in ``ctx[self._name]``.  ``ctx`` holds what the
        run itself loaded (``ctx["standards"]``: the approved fee standards
        of the run's site, by fee item)."""
        return None

    def _charges(self, run, plan, ctx):
        """The charges of ``plan``'s tenant archive that this source bills
        in ``run``: a list of charge dicts (see the class)."""
        return []

    def _charge_line_vals(self, run, charge, vals):
        """Complete the values of the run line of ``charge`` (links to the
        source's records); ``vals`` is changed in place."""

    def _charge_preview_errors(self, run, ctx):
        """Values of run errors for what this source has to bill and the
        preview left out (e.g. no running billing plan for its archive):
        nothing waiting to be billed is skipped silently."""
        return []

    def _charge_billable_lines(self, run, lines):
        """Of the run ``lines`` about to be invoiced, those this source
        still lets bill; a line whose record was billed since the preview
        is marked "already billed" here."""
        return lines

    def _charge_invoiced(self, run, moves):
        """The invoices ``moves`` of ``run`` were created: link the
        source's records to what bills them (e.g. their billed-period
        key)."""
