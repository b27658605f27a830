"""Fund models (the monthly subsidy run lives here once it is built). The dashboard reads other apps' data."""
from .subsidy.models import SubsidyLine, SubsidyRun, SubsidySource, SubsidyTotal  # noqa: E402,F401
