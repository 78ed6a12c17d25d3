from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, render

from .models import Post


def author_posts(request, username):
    author = get_object_or_404(User, username=username)
    posts = Post.objects.filter(author=author, published__isnull=False)
    return render(request, "blog/author_posts.html", {"author": author, "posts": posts})
