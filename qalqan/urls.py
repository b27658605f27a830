from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from qalqan.api.routes import api
from qalqan.orgs.views import staff_home

urlpatterns = [
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/home/", staff_home, name="staff-home"),
    path("accounts/", include("django.contrib.auth.urls")),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Pages for people are served under a language prefix (/kk/, /ru/, /en/): add portal page paths to
# `localized_pages`. Wagtail's page tree serves everything else there: keep it last.
localized_pages: list = []
localized_pages += [path("insurer/", include("insurers.urls"))]
localized_pages += [path("my/", include("policies.urls"))]
localized_pages += [path("", include("qalqan.people.urls")), path("fund/", include("qalqan.fund.urls"))]
localized_pages += [path("clinic/", include("claims.urls_clinic")), path("insurer/claims/", include("claims.urls_insurer")), path("fund/claims/", include("claims.urls_fund")), path("citizen/events/", include("claims.urls_citizen"))]
localized_pages += [path("feed/", include("qalqan.feed.urls"))]
urlpatterns += i18n_patterns(*localized_pages, path("", include(wagtail_urls)))
