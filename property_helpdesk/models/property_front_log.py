from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

FRONT_LOG_DIRECTIONS = [
    ("in", "Incoming"),
    ("out", "Outgoing"),
]

FRONT_LOG_ITEM_TYPES = [
    ("document", "Document"),
    ("parcel", "Parcel"),
    ("fax", "Fax"),
    ("other", "Other"),
]

FRONT_LOG_STATES = [
    ("received", "Received"),
    ("notified", "Tenant Notified"),
    ("handed_over", "Handed Over"),
    ("returned", "Returned"),
]


class PropertyFrontLog(models.Model):
    """Documents, parcels and faxes kept at the front desk for a tenant
    (or sent by one). Confidential: the desk never opens an item and shows
    the log only to the desk and to the tenant it belongs to."""

    _name = "property.front.log"
    _description = "Front Desk Document and Parcel Log"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "property.sequence.mixin",
        "property.unit.link.mixin",
    ]
    _sequence_code = "property.front.log"
    _order = "received_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    direction = fields.Selection(
        FRONT_LOG_DIRECTIONS, required=True, default="in", index=True
    )
    item_type = fields.Selection(
        FRONT_LOG_ITEM_TYPES,
        required=True,
        default="parcel",
        index=True,
    )
    state = fields.Selection(
        FRONT_LOG_STATES,
        required=True,
        default="received",
        tracking=True,
        index=True,
        copy=False,
    )
    sender = fields.Char(
        required=True, help="Who sends the item: company, courier or person."
    )
    carrier_ref = fields.Char(
        string="Waybill Number", help="Courier or fax reference, if any."
    )
    partner_id = fields.Many2one(
        string="Tenant",
        tracking=True,
        help="The tenant the item is for (incoming) or who sends it (outgoing). "
        "Only this tenant sees the entry in the customer portal.",
    )
    recipient_contact = fields.Char(
        string="Recipient",
        help="The person the item is addressed to, as written on it.",
    )
    recipient_phone = fields.Char(
        string="Contact Phone",
        compute="_compute_recipient_phone",
        store=True,
        readonly=False,
    )
    description = fields.Char(
        required=True,
        help="What the item looks like from outside (an envelope, a box of "
        "30 cm...). Items are never opened: never record their content.",
    )
    pieces = fields.Integer(default=1)
    received_at = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, tracking=True
    )
    received_by_id = fields.Many2one(
        "res.users",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    notified_at = fields.Datetime(readonly=True, copy=False)
    handed_over_to = fields.Char(
        tracking=True,
        copy=False,
        help="Name of the person who takes the item (the tenant, a member of "
        "the household or the courier for outgoing items).",
    )
    to_recipient = fields.Boolean(
        string="Taken by the Recipient",
        default=True,
        copy=False,
        help="The tenant or a member of the household takes the item. Anyone "
        "else takes it only with the tenant's authorisation.",
    )
    authorization_id = fields.Many2one(
        "property.parcel.authorization",
        string="Collector's Authorisation",
        copy=False,
        check_company=True,
        tracking=True,
        domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    collector_id_digits = fields.Char(
        string="Collector's ID Last Digits",
        copy=False,
        help="The last digits of the ID card the collector shows, as checked "
        "at the desk.",
    )
    reminded_at = fields.Datetime(readonly=True, copy=False)
    handed_over_at = fields.Datetime(tracking=True, copy=False)
    handed_over_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    signature = fields.Image(
        string="Hand-over Signature", copy=False, max_width=1024, max_height=1024
    )
    return_note = fields.Text(
        string="Return Reason",
        copy=False,
        help="Why the item went back to the sender (refused, unknown recipient...).",
    )
    note = fields.Text(string="Internal Note")

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries.filtered(
            lambda e: e.direction == "in" and e.partner_id
        )._notify_arrival()
        return entries

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for entry in self:
            entry.access_url = "/my/parcels"
        return res

    @api.depends("name", "item_type", "partner_id", "recipient_contact")
    def _compute_display_name(self):
        item_types = dict(self._fields["item_type"]._description_selection(self.env))
        for entry in self:
            who = entry.partner_id.name or entry.recipient_contact
            parts = [entry.name, item_types.get(entry.item_type), who]
            entry.display_name = " - ".join(p for p in parts if p)

    @api.depends("partner_id")
    def _compute_recipient_phone(self):
        for entry in self:
            if entry.partner_id and not entry.recipient_phone:
                entry.recipient_phone = (
                    entry.partner_id.phone or entry.partner_id.mobile
                )

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _ensure_states(self, states):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for entry in self:
            if entry.state not in states:
                raise UserError(
                    self.env._(
                        "Log entry %(name)s is %(state)s: this step is not "
                        "possible now.",
                        name=entry.name,
                        state=labels[entry.state],
                    )
                )

    def _notify_arrival(self):
        """Tell the tenant that an item waits at the desk. Only the tenant is
        addressed; the message says what arrived, never what is inside."""
        for entry in self:
            entry.message_subscribe(partner_ids=entry.partner_id.ids)
            # in the tenant's language
            env = entry.with_context(lang=entry.partner_id.lang or self.env.lang).env
            item_types = dict(self._fields["item_type"]._description_selection(env))
            entry.message_post(
                body=env._(
                    "An item is waiting for you at the service desk of "
                    "%(site)s: %(item)s from %(sender)s, reference %(name)s. "
                    "Please collect it in person or send someone with your "
                    "consent.",
                    item=item_types[entry.item_type],
                    sender=entry.sender,
                    site=entry.site_id.with_env(env).name,
                    name=entry.name,
                ),
                partner_ids=entry.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.write({"state": "notified", "notified_at": fields.Datetime.now()})

    def action_notify(self):
        self._ensure_states(["received"])
        for entry in self:
            if not entry.partner_id:
                raise UserError(
                    self.env._(
                        "Choose the tenant of log entry %s before notifying.",
                        entry.name,
                    )
                )
        self._notify_arrival()
        return True

    def action_hand_over(self):
        """The item leaves the desk: who took it, when, and their signature."""
        self._ensure_states(["received", "notified"])
        for entry in self:
            if not entry.to_recipient:
                # anyone but the recipient: only the collector the tenant
                # authorised, with an ID card of the same last digits
                if not entry.authorization_id:
                    raise UserError(
                        self.env._(
                            "Item %s goes to someone other than the recipient: "
                            "choose the collector the tenant authorised.",
                            entry.name,
                        )
                    )
                entry.authorization_id._check_collector(
                    entry, entry.collector_id_digits
                )
                entry.handed_over_to = entry.authorization_id.collector_name
            if not entry.handed_over_to:
                raise UserError(
                    self.env._("Write who takes the item of log entry %s.", entry.name)
                )
            if not entry.signature:
                raise UserError(
                    self.env._(
                        "The person who takes the item of log entry %s signs for it.",
                        entry.name,
                    )
                )
        now = fields.Datetime.now()
        for entry in self:
            entry.write(
                {
                    "state": "handed_over",
                    "handed_over_at": entry.handed_over_at or now,
                    "handed_over_by_id": self.env.user.id,
                }
            )
        return True

    @api.model
    def _cron_remind_waiting(self, date_ref=None):
        """Remind the tenant, once, of an item waiting at the desk for more
        than the company's number of days."""
        now = fields.Datetime.to_datetime(date_ref) or fields.Datetime.now()
        for company in self.env["res.company"].search([]):
            days = company.property_parcel_reminder_days
            if days <= 0:
                continue
            waiting = self.search(
                [
                    ("company_id", "=", company.id),
                    ("direction", "=", "in"),
                    ("state", "in", ("received", "notified")),
                    ("partner_id", "!=", False),
                    ("reminded_at", "=", False),
                    ("received_at", "<", now - timedelta(days=days)),
                ]
            )
            for entry in waiting:
                env = entry.with_context(
                    lang=entry.partner_id.lang or self.env.lang
                ).env
                entry.message_post(
                    body=env._(
                        "Reminder: item %(name)s from %(sender)s has been "
                        "waiting for you at the service desk of %(site)s since "
                        "%(date)s.",
                        name=entry.name,
                        sender=entry.sender,
                        site=entry.site_id.with_env(env).name,
                        date=fields.Date.to_string(entry.received_at.date()),
                    ),
                    partner_ids=entry.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            waiting.write({"reminded_at": now})
        return True

    def action_return(self):
        """The item goes back to the sender (refused, unknown recipient...)."""
        self._ensure_states(["received", "notified"])
        for entry in self:
            if not (entry.return_note or "").strip():
                raise UserError(
                    self.env._(
                        "Write why the item of log entry %s is returned.",
                        entry.name,
                    )
                )
        self.write({"state": "returned"})
        return True
