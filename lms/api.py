"""The API's shared plumbing and its account endpoints.

Every refusal of the API reads ``{"code": ..., "detail": ...}``: ``code`` is
stable for programs, ``detail`` is for people (in their language). Apps' API
views derive from ``ProblemAPIView``, which turns the exceptions services raise
(Django's ``PermissionDenied`` and ``ValidationError``, ``ObjectDoesNotExist``)
into those answers; an app adds its own domain exceptions through
``problem_for``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ErrorDetail, NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.models import User

# Larger ids cannot be stored (and SQLite refuses to compare with them).
_LARGEST_ID = 2**63 - 1

# --- refusals ------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    """The body of every refusal."""

    code = serializers.CharField(help_text="Stable, for programs.")
    detail = serializers.CharField(help_text="For people, in their language.")
    errors = serializers.DictField(
        required=False, help_text="For a malformed request: the messages per field."
    )


class Problem(APIException):
    """A refusal rendered as ``{"code", "detail", ...extra}``."""

    def __init__(self, *, status_code: int, code: str, detail: str, **extra) -> None:
        self.status_code = status_code
        body = {"code": code, "detail": detail}
        body.update((key, value) for key, value in extra.items() if value is not None)
        super().__init__(detail=body, code=code)


def problem_for(exc: Exception) -> Exception:
    """The HTTP form of the exceptions services raise; others pass unchanged."""
    if isinstance(exc, DjangoPermissionDenied):
        # DRF's own handler would replace the service's message by a generic one.
        return Problem(
            status_code=status.HTTP_403_FORBIDDEN,
            code="permission_denied",
            detail=str(exc) or _("You may not do this."),
        )
    if isinstance(exc, DjangoValidationError):
        return Problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code=getattr(exc, "code", None) or "invalid",
            detail=" ".join(exc.messages),
            errors=exc.message_dict if hasattr(exc, "error_dict") else None,
        )
    if isinstance(exc, DRFValidationError) and not isinstance(exc.detail, str):
        return Problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            detail=_("The request is not valid; see the errors of each field."),
            errors=exc.detail,
        )
    if isinstance(exc, ObjectDoesNotExist | Http404):
        # Http404's message may name a model; say only what a client needs.
        return NotFound()
    return exc


class ProblemAPIView(APIView):
    """An API view whose every refusal reads ``{"code": ..., "detail": ...}``.

    DRF's own refusals (not signed in, not found...) keep their status and
    headers and gain their ``code``.
    """

    def problem_for(self, exc: Exception) -> Exception:
        return problem_for(exc)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if any(isinstance(v, int) and v > _LARGEST_ID for v in kwargs.values()):
            raise NotFound()

    def handle_exception(self, exc: Exception) -> Response:
        exc = self.problem_for(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, APIException) and isinstance(exc.detail, ErrorDetail):
            response.data = {"code": exc.detail.code, "detail": str(exc.detail)}
        return response


NOT_SIGNED_IN = OpenApiResponse(ProblemSerializer, description="Not signed in.")
NOT_FOUND = OpenApiResponse(ProblemSerializer, description="No such thing you may see.")
MALFORMED = OpenApiResponse(
    ProblemSerializer, description="A malformed request; `errors` says per field."
)


# --- account -------------------------------------------------------------------


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "display_name",
            "role",
            "preferred_language",
        ]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>` on every request."
    )


class MeView(ProblemAPIView):
    @extend_schema(
        operation_id="me_retrieve",
        tags=["account"],
        responses={200: MeSerializer, 403: NOT_SIGNED_IN},
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class TokenObtainView(ProblemAPIView, ObtainAuthToken):
    """Trade a username and password for the user's API token.

    For apps and scripts; a browser signed in to the site uses its session
    (and sends the CSRF token with every write).
    """

    @extend_schema(
        operation_id="auth_token_create",
        tags=["account"],
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                ProblemSerializer, description="Wrong username or password."
            ),
        },
        auth=[],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)
