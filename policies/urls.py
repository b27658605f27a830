from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("notifications/", views.notification_settings, name="notifications"),
    path("apply/", views.apply_product, name="apply"),
    path("apply/<int:product_id>/", views.apply_details, name="apply-details"),
    path("policies/<str:number>/", views.policy_detail, name="policy"),
    path("policies/<str:number>/pdf/", views.policy_pdf_download, name="policy-pdf"),
    path("policies/<str:number>/topup/", views.policy_topup, name="policy-topup"),
    path("policies/<str:number>/renew/", views.renew_product, name="policy-renew"),
    path("policies/<str:number>/renew/<int:product_id>/", views.renew_details, name="policy-renew-details"),
    path("pay/<int:payment_id>/", views.pay, name="pay"),
    path("pay/<int:payment_id>/card/", views.pay_card, name="pay-card"),
    path("pay/<int:payment_id>/pension/", views.pay_pension, name="pay-pension"),
    path("pay/<int:payment_id>/status/", views.pay_status, name="pay-status"),
]
