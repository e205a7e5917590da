"""The suggestion engine over the API: an article's text in, findings out."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api.serializers import StrictCharField
from events.extract import suggest_safely

# About 30,000 words: longer than any news article.
MAX_TEXT = 200_000


class CanCurate(permissions.BasePermission):
    """Suggestions are for the people who turn them into events."""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("events.add_event")


class SuggestionRequestSerializer(serializers.Serializer):
    text = StrictCharField(
        max_length=MAX_TEXT, trim_whitespace=False, help_text="The article's text."
    )
    published = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Publication date (YYYY-MM-DD); relative dates resolve from it.",
    )


class SuggestionsView(APIView):
    permission_classes = [CanCurate]

    @extend_schema(
        summary="Suggest actors, places, dates and events for an article (editors)",
        request=SuggestionRequestSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        given = SuggestionRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = suggest_safely(
            given.validated_data["text"],
            published=given.validated_data.get("published"),
        )
        return Response(found)
