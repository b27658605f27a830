from django.urls import path

from .dashboard import fund_dashboard
from .subsidy import views as subsidy

app_name = "fund"
urlpatterns = [
    path("", fund_dashboard, name="home"),
    path("dashboard/", fund_dashboard, name="dashboard"),
    path("subsidy-runs/", subsidy.run_list, name="subsidy-runs"),
    path("subsidy-runs/start/", subsidy.run_start, name="subsidy-run-start"),
    path("subsidy-runs/<int:run_id>/", subsidy.run_detail, name="subsidy-run"),
    path("subsidy-runs/<int:run_id>/progress/", subsidy.run_progress_json, name="subsidy-run-progress"),
    path("subsidy-runs/<int:run_id>/resume/", subsidy.run_resume, name="subsidy-run-resume"),
    path("subsidy-runs/<int:run_id>/approve/", subsidy.run_approve, name="subsidy-run-approve"),
    path("subsidy-runs/<int:run_id>/disburse/", subsidy.run_disburse, name="subsidy-run-disburse"),
    path("subsidy-runs/<int:run_id>/insurers/<slug:insurer_code>/", subsidy.run_insurer_lines,
         name="subsidy-run-insurer"),
    path("subsidy-runs/<int:run_id>/insurers/<slug:insurer_code>/statement.csv", subsidy.statement_csv,
         name="subsidy-statement-csv"),
    path("subsidy-runs/<int:run_id>/insurers/<slug:insurer_code>/statement.pdf", subsidy.statement_pdf_view,
         name="subsidy-statement-pdf"),
]
