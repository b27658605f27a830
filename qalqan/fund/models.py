"""Fund models (the monthly subsidy run lives here once it is built). The dashboard reads other apps' data."""
