from django.urls import path

from patients import views

urlpatterns = [
    path("login/", views.login_view),
    path("logout/", views.logout_view),
    path("patients/", views.create),
    path("patients/<str:public_id>/", views.detail),
    path("patients/<str:public_id>/update/", views.update),
    path("patients/<str:public_id>/delete/", views.delete),
]
