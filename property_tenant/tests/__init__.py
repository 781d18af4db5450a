from . import test_utils
from . import test_unit
from . import test_occupancy
from . import test_completeness
from . import test_tracking
from . import test_crons
from . import test_access
from . import test_portal
