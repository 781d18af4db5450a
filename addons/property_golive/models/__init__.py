from . import account_move
from . import res_company
from . import property_golive_import
from . import property_site
from . import res_config_settings
from . import queue_job
