from . import portal_notice
from . import portal_event
