from . import property_event_checkin
