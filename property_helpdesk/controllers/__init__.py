from . import front_log_portal
from . import portal
from . import scan
