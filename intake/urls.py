from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:article_id>/dismiss/", views.dismiss, name="dismiss"),
]
