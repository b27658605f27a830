from django.urls import path

from . import views

app_name = "insurers"
urlpatterns = [
    path("", views.product_list, name="home"),
    path("products/", views.product_list, name="product-list"),
]
