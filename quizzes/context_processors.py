from django.http import HttpRequest

from quizzes.models import ReviewCard


def review_due(request: HttpRequest) -> dict:
    """The number of questions due for review, shown beside Review in the navigation (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"review_due_count": ReviewCard.objects.due(user).count()}
