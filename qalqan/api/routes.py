"""Every app's router, mounted on the one API. Each router spells its full paths (/fund/…, /citizen/…)."""
from qalqan.people.api import router as people_router
from qalqan.people.insurance_api import router as insurance_router
from qalqan.people.citizen_api import router as citizen_profile_router
from insurers.api import router as insurers_router
from qalqan.payments.api import router as payments_router
from qalqan.ledger.api import router as ledger_router
from policies.instruments_api import router as instruments_router
from policies.api import router as policies_router
from claims.api import router as claims_router
from qalqan.fund.subsidy.api import router as subsidy_router
from qalqan.feed.api import router as feed_router

from .main import api

api.add_router("", people_router)
api.add_router("", insurance_router)
api.add_router("", citizen_profile_router)
api.add_router("", insurers_router)
api.add_router("", payments_router)
api.add_router("", ledger_router)
api.add_router("", instruments_router)
api.add_router("", policies_router)
api.add_router("", claims_router)
api.add_router("", subsidy_router)
api.add_router("", feed_router)
