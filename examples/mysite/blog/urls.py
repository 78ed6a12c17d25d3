from django.urls import path

from . import views

urlpatterns = [
    path("by/<str:username>/", views.author_posts, name="author-posts"),
]
