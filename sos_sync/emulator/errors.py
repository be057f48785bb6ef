"""The one exception an emulated endpoint raises, rendered in the error shape of its API.

Sheets, Forms and Docs (One Platform APIs) answer `{"error": {"code", "message", "status"}}`;
Drive and Calendar (older APIs) add `"errors": [{"domain", "reason", "message"}]`.
"""

from __future__ import annotations

from typing import Any

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

_REASON = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    410: "deleted",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}

LEGACY_APIS = frozenset({"drive", "calendar"})


class ApiError(Exception):
    """An HTTP error the emulated API answers with."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        reason: str | None = None,
        domain: str = "global",
        location: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _STATUS.get(code, "UNKNOWN")
        self.reason = reason or _REASON.get(code, "error")
        self.domain = domain
        self.location = location
        self.details = details

    def body(self, api: str) -> dict[str, Any]:
        """The JSON body Google would send for this error from `api`."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if api in LEGACY_APIS:
            detail: dict[str, Any] = {
                "domain": self.domain,
                "reason": self.reason,
                "message": self.message,
            }
            if self.location:
                detail["locationType"] = "parameter"
                detail["location"] = self.location
            error["errors"] = [detail]
        else:
            error["status"] = self.status
        if self.details:
            error["details"] = self.details
        return {"error": error}


def not_found(api: str, what: str = "") -> ApiError:
    """The 404 of each API."""
    if api == "drive":
        return ApiError(404, f"File not found: {what}.", reason="notFound", location="fileId")
    if api == "calendar":
        return ApiError(404, "Not Found", reason="notFound")
    return ApiError(404, "Requested entity was not found.")


def rate_limited(api: str, is_write: bool, per_window: int) -> ApiError:
    """Google's 429: `RATE_LIMIT_EXCEEDED` ErrorInfo with the quota's metadata, and a Help link."""
    service = f"{api}.googleapis.com"
    metric = "Write requests" if is_write else "Read requests"
    quota_limit = metric.title().replace(" ", "")
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
        f"of service '{service}' for consumer 'project_number:000000000000'.",
        reason="rateLimitExceeded",
        domain="usageLimits",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_limit": f"{quota_limit}PerMinutePerUser",
                    "quota_metric": f"{service}/{metric.lower().replace(' ', '_')}",
                    "quota_limit_value": str(per_window),
                    "quota_location": "global",
                    "service": service,
                    "consumer": "projects/000000000000",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                    }
                ],
            },
        ],
    )


def bad_field(message: str, field: str) -> ApiError:
    """A 400 naming the field at fault, as `BadRequest.fieldViolations`."""
    return ApiError(
        400,
        message,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            }
        ],
    )
