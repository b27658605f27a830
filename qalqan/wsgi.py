import os
import re

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
django_application = get_wsgi_application()

from qalqan.api.hotpath import HotPathApplication, HotRoute  # noqa: E402  (needs the apps loaded)
from claims.eligibility import hot_eligibility_answer  # noqa: E402
from qalqan.people.status_lookup import hot_status_answer  # noqa: E402

application = HotPathApplication(django_application, [
    HotRoute(re.compile(r"/api/v1/status/(?P<iin>[^/]+)"), hot_status_answer),
    HotRoute(re.compile(r"/api/v1/clinic/eligibility/(?P<iin>[^/]+)"), hot_eligibility_answer),
])
