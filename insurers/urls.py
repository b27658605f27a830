from django.urls import path

from . import views

app_name = "insurers"
urlpatterns = [
    path("", views.product_list, name="home"),
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_publish_page, name="product-new"),
    path("products/<slug:code>/version/", views.product_publish_page, name="product-version"),
    path("products/<slug:code>/withdraw/", views.product_withdraw_page, name="product-withdraw"),
]
