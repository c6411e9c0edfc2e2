from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("account/billing/", views.billing_overview, name="overview"),
    path("account/billing/orders/<str:number>/", views.order_detail, name="order"),
    path("account/billing/invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("account/billing/invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("account/billing/donations/<str:receipt_number>/", views.donation_receipt, name="donation_receipt"),
    path(
        "account/billing/donations/<str:receipt_number>/pdf/",
        views.donation_receipt_pdf,
        name="donation_receipt_pdf",
    ),
    path("webhooks/store/", views.store_webhook, name="store_webhook"),
]
