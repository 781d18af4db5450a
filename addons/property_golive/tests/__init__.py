from . import test_golive_checks
from . import test_golive_apply
from . import test_golive_accounting
from . import test_golive_flow
from . import test_golive_files
from . import test_golive_demo
