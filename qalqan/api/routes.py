"""Every app's router, mounted on the one API. Each router spells its full paths (/fund/…, /citizen/…)."""
from qalqan.people.api import router as people_router

from .main import api

api.add_router("", people_router)
