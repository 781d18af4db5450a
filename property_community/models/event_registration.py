import base64
import io
from collections import Counter

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..event_utils import ATTENDEE_GROUPS, attendee_group
from .event_event import OFFICER_GROUP

RATINGS = [
    ("1", "1 - Poor"),
    ("2", "2 - Fair"),
    ("3", "3 - Good"),
    ("4", "4 - Very good"),
    ("5", "5 - Excellent"),
]


class EventRegistration(models.Model):
    """A tenant or a member of the tenant's household registered for a
    community event; the check-in code is the registration's barcode, shown
    as a QR code."""

    _inherit = "event.registration"

    property_occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        index=True,
        tracking=True,
        ondelete="restrict",
        # the tenant archive is not for staff who only have Events rights
        groups=OFFICER_GROUP,
        help="The tenancy whose tenant or household member attends.",
    )
    property_member_id = fields.Many2one(
        "property.occupancy.member",
        string="Household Member",
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('occupancy_id', '=', property_occupancy_id)]",
        groups=OFFICER_GROUP,
        help="Leave empty when the tenant attends in person.",
    )
    property_site_id = fields.Many2one(
        related="event_id.property_site_id", string="Site", store=True, index=True
    )
    property_audience = fields.Selection(
        related="event_id.property_audience", string="Audience", store=True
    )
    property_attendee_group = fields.Selection(
        ATTENDEE_GROUPS,
        string="Age Group",
        compute="_compute_property_attendee_group",
        store=True,
        help="From the member's birth year in the archive; empty when unknown.",
    )
    property_rating = fields.Selection(RATINGS, string="Rating", tracking=True)
    property_rating_comment = fields.Text(string="Rating Comment")
    property_rated_at = fields.Datetime(string="Rated On", readonly=True)
    property_qr_code = fields.Binary(
        string="QR Code", compute="_compute_property_qr_code", attachment=False
    )

    @api.depends("property_member_id.birth_year", "event_id.date_begin")
    def _compute_property_attendee_group(self):
        for registration in self:
            registration.property_attendee_group = attendee_group(
                registration.property_member_id.birth_year,
                registration.event_id.date_begin
                and registration.event_id.date_begin.year,
            )

    @api.depends("barcode")
    def _compute_property_qr_code(self):
        for registration in self:
            registration.property_qr_code = (
                base64.b64encode(registration._property_qr_png())
                if registration.barcode
                else False
            )

    def _property_qr_png(self):
        """The check-in code as a QR code (PNG bytes)."""
        self.ensure_one()
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2
        )
        code.add_data(self.barcode)
        code.make(fit=True)
        stream = io.BytesIO()
        code.make_image().save(stream, format="PNG")
        return stream.getvalue()

    def _property_qr_data_uri(self):
        self.ensure_one()
        return (
            "data:image/png;base64,"
            + base64.b64encode(self._property_qr_png()).decode()
        )

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        Occupancy = self.env["property.occupancy"]
        Member = self.env["property.occupancy.member"]
        for vals in vals_list:
            if vals.get("property_occupancy_id") and not vals.get("partner_id"):
                occupancy = Occupancy.browse(vals["property_occupancy_id"])
                vals["partner_id"] = occupancy.tenant_id.id
            if vals.get("property_member_id") and not vals.get("name"):
                member = Member.browse(vals["property_member_id"])
                vals["name"] = member.name
                vals.setdefault("phone", member.phone)
        # everything is checked before anything is written: registering
        # sends the confirmation mails at once, and their scheduler commits
        self._property_check_new_registrations(vals_list)
        return super().create(vals_list)

    @api.model
    def _property_check_new_registrations(self, vals_list):
        """Before registering for community events: the event is not over,
        each person belongs to a current household of the event's site and
        is registered once, and there are enough seats for all of them."""
        Event = self.env["event.event"]
        now = fields.Datetime.now()
        seats = Counter()
        keys = Counter()
        for vals in vals_list:
            event = Event.browse(vals.get("event_id"))
            occupancy = self.env["property.occupancy"].browse(
                vals.get("property_occupancy_id")
            )
            member = self.env["property.occupancy.member"].browse(
                vals.get("property_member_id")
            )
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if event.property_site_id and event.date_end and event.date_end < now:
                raise UserError(
                    self.env._(
                        "%(event)s is over: nobody can register for a past event.",
                        event=event.name,
                    )
                )
            error = self._property_household_error(
                event, occupancy, member, partner, vals.get("name")
            )
            if error:
                raise ValidationError(error)
            if not event.property_site_id:
                continue
            keys[(event, occupancy, member)] += 1
            if vals.get("state", "open") in ("open", "done"):
                seats[event] += 1
        self._property_check_no_duplicate(keys)
        self._property_check_seats(seats)

    @api.model
    def _property_household_error(self, event, occupancy, member, partner, name):
        """Why this person cannot be registered for ``event`` (a message),
        or None when they can."""
        if not event.property_site_id:
            if occupancy or member:
                return self.env._(
                    "%(event)s is not a community event of a site: leave the "
                    "tenant archive empty.",
                    event=event.name,
                )
            return None
        if not occupancy:
            return self.env._(
                "Community events are for the tenants of %(site)s and their "
                "households: choose the tenant archive of %(name)s.",
                site=event.property_site_id.name,
                name=name or partner.name or "-",
            )
        if occupancy.site_id != event.property_site_id:
            return self.env._(
                "%(tenant)s (%(unit)s) is not a tenant of %(site)s, the site "
                "of %(event)s.",
                tenant=occupancy.tenant_id.name,
                unit=occupancy.unit_id.code,
                site=event.property_site_id.name,
                event=event.name,
            )
        if occupancy.state != "active":
            return self.env._(
                "The tenancy %(occupancy)s is not active: only current tenants "
                "and their households can register.",
                occupancy=occupancy.display_name,
            )
        if member and (member.occupancy_id != occupancy or not member.active):
            return self.env._(
                "%(name)s is not in the household of %(tenant)s (%(unit)s): "
                "only the tenant and the members recorded in the tenant "
                "archive can be registered.",
                name=member.name,
                tenant=occupancy.tenant_id.name,
                unit=occupancy.unit_id.code,
            )
        tenant = occupancy.tenant_id.commercial_partner_id
        if partner and partner.commercial_partner_id != tenant:
            return self.env._(
                "%(partner)s is not the tenant of %(unit)s: a household is "
                "registered by its own tenant.",
                partner=partner.name,
                unit=occupancy.unit_id.code,
            )
        return None

    @api.model
    def _property_check_no_duplicate(self, keys):
        """``keys``: Counter of (event, occupancy, member) about to be
        registered. A person is registered once per event (cancelled
        registrations aside)."""
        if not keys:
            return
        events = self.env["event.event"].union(*(key[0] for key in keys))
        existing = Counter(
            (
                registration.event_id,
                registration.property_occupancy_id,
                registration.property_member_id,
            )
            for registration in self.search(
                [
                    ("event_id", "in", events.ids),
                    ("property_occupancy_id", "in", [key[1].id for key in keys]),
                    ("state", "!=", "cancel"),
                ]
            )
        )
        for key, count in keys.items():
            if count + existing.get(key, 0) > 1:
                event, occupancy, member = key
                raise ValidationError(
                    self.env._(
                        "%(name)s is already registered for %(event)s.",
                        name=member.name or occupancy.tenant_id.name,
                        event=event.name,
                    )
                )

    @api.model
    def _property_check_seats(self, seats):
        """``seats``: Counter of seats asked per event."""
        limited = self.env["event.event"].union(
            *(event for event in seats if event.seats_limited and event.seats_max)
        )
        if not limited:
            return
        # two desks (or tenants) taking the last seats at the same moment
        # are serialised on the event row
        self.env.cr.execute(
            "SELECT id FROM event_event WHERE id IN %s FOR NO KEY UPDATE",
            [tuple(limited.ids)],
        )
        limited.invalidate_recordset(["seats_available"])
        for event in limited:
            count = seats[event]
            if count > event.seats_available:
                raise UserError(
                    self.env._(
                        "%(event)s is full: %(left)s of its %(max)s seats are "
                        "left and %(count)s registrations were asked. Raise the "
                        "seat limit or register fewer people.",
                        event=event.name,
                        left=max(event.seats_available, 0),
                        max=event.seats_max,
                        count=count,
                    )
                )

    @api.constrains(
        "event_id", "property_occupancy_id", "property_member_id", "partner_id"
    )
    def _check_property_household(self):
        """The same rules when a registration is changed afterwards."""
        for registration in self:
            error = self._property_household_error(
                registration.event_id,
                registration.property_occupancy_id,
                registration.property_member_id,
                registration.partner_id,
                registration.name,
            )
            if error:
                raise ValidationError(error)
        registrations = self.filtered("property_occupancy_id")
        if registrations:
            groups = self._read_group(
                [
                    ("event_id", "in", registrations.event_id.ids),
                    (
                        "property_occupancy_id",
                        "in",
                        registrations.property_occupancy_id.ids,
                    ),
                    ("state", "!=", "cancel"),
                ],
                ["event_id", "property_occupancy_id", "property_member_id"],
                ["__count"],
            )
            for event, occupancy, member, count in groups:
                if count > 1:
                    raise ValidationError(
                        self.env._(
                            "%(name)s is already registered for %(event)s.",
                            name=member.name or occupancy.tenant_id.name,
                            event=event.name,
                        )
                    )

    # ------------------------------------------------------------------
    # Tenant actions (portal)
    # ------------------------------------------------------------------
    @api.model
    def _property_register_household(self, event, occupancy, member_ids, tenant):
        """Register the tenant (when ``tenant``) and the household members
        ``member_ids`` of ``occupancy`` for ``event``, all or none."""
        members = occupancy.member_ids.filtered(lambda m: m.id in set(member_ids))
        unknown = set(member_ids) - set(members.ids)
        if unknown:
            raise UserError(
                self.env._(
                    "Only the members of your household can be registered; "
                    "refresh the page and try again."
                )
            )
        if not tenant and not members:
            raise UserError(self.env._("Choose who will attend the event."))
        vals_list = []
        if tenant:
            vals_list.append(
                {
                    "event_id": event.id,
                    "property_occupancy_id": occupancy.id,
                    "partner_id": tenant.id,
                    "name": tenant.name,
                    "email": tenant.email,
                    "phone": tenant.phone,
                }
            )
        vals_list += [
            {
                "event_id": event.id,
                "property_occupancy_id": occupancy.id,
                "property_member_id": member.id,
                "partner_id": (tenant or occupancy.tenant_id).id,
                "name": member.name,
                "phone": member.phone,
            }
            for member in members
        ]
        return self.with_company(event.company_id).create(vals_list)

    def action_property_cancel(self):
        """Cancel a registration before the event starts."""
        now = fields.Datetime.now()
        for registration in self:
            if registration.state not in ("draft", "open"):
                raise UserError(
                    self.env._(
                        "The registration of %(name)s cannot be cancelled any "
                        "more (it is %(state)s).",
                        name=registration.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[registration.state],
                    )
                )
            if registration.event_id.date_begin <= now:
                raise UserError(
                    self.env._(
                        "%(event)s has already started: registrations can no "
                        "longer be cancelled.",
                        event=registration.event_id.name,
                    )
                )
        self.action_cancel()
        return True

    def _property_rate(self, rating, comment=None):
        """The attendee's rating of a past event: 1 to 5 stars, once."""
        self.ensure_one()
        if rating not in dict(RATINGS):
            raise UserError(self.env._("Choose a rating from 1 to 5 stars."))
        if self.state != "done":
            raise UserError(
                self.env._("Only attendees who were checked in can rate an event.")
            )
        if self.event_id.date_end > fields.Datetime.now():
            raise UserError(
                self.env._(
                    "%(event)s can be rated once it is over.", event=self.event_id.name
                )
            )
        if self.property_rating:
            raise UserError(
                self.env._("%(name)s has already rated this event.", name=self.name)
            )
        self.write(
            {
                "property_rating": rating,
                "property_rating_comment": (comment or "").strip() or False,
                "property_rated_at": fields.Datetime.now(),
            }
        )
        return True

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _property_attendance_by_group(self, domain=None):
        """Registered and attended attendees per age group for the
        registrations matching ``domain``:
        {group or False: {"registered", "attended"}}."""
        groups = self._read_group(
            [
                ("property_site_id", "!=", False),
                ("state", "in", ("open", "done")),
                *(domain or []),
            ],
            ["property_attendee_group", "state"],
            ["__count"],
        )
        figures = {}
        for group, state, count in groups:
            entry = figures.setdefault(group, {"registered": 0, "attended": 0})
            entry["registered"] += count
            if state == "done":
                entry["attended"] += count
        return figures
