from django.urls import path

from . import views

app_name = "insurers"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
]
