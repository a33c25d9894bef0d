"""What a validated LTI 1.3 launch says, read out of its id_token claims (LTI 1.3 core §5, AGS, NRPS, deep linking).

Pure reading, no database: the launch view validates the token with pylti1p3 and hands its body here.
"""

from dataclasses import dataclass, field

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"

# Context roles that make someone an instructor here (LIS vocabulary; the short form is allowed by LTI 1.3 core
# §A.2.2 in older platforms). A teaching assistant is a sub-role of Instructor and counts too.
INSTRUCTOR_ROLES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "Instructor",
)


def is_instructor_role(roles: list[str]) -> bool:
    return any(role in INSTRUCTOR_ROLES for role in roles)


@dataclass(frozen=True)
class LaunchClaims:
    subject: str
    message_type: str
    deployment_id: str
    roles: list[str] = field(default_factory=list)
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    context_id: str = ""
    context_title: str = ""
    target: str = ""  # the custom parameter naming what to open (lti.targets)
    lineitem: str = ""  # the gradebook column of a graded link
    scopes: list[str] = field(default_factory=list)
    memberships_url: str = ""
    resource_link_id: str = ""
    deep_link_return_url: str = ""

    @property
    def is_instructor(self) -> bool:
        return is_instructor_role(self.roles)

    @property
    def is_deep_linking(self) -> bool:
        return self.message_type == "LtiDeepLinkingRequest"

    @property
    def can_post_scores(self) -> bool:
        return bool(self.lineitem) and SCORE_SCOPE in self.scopes


def read(body: dict) -> LaunchClaims:
    context = body.get(LTI + "context") or {}
    custom = body.get(LTI + "custom") or {}
    ags = body.get(AGS) or {}
    nrps = body.get(NRPS) or {}
    link = body.get(LTI + "resource_link") or {}
    return LaunchClaims(
        subject=str(body.get("sub") or ""),
        message_type=str(body.get(LTI + "message_type") or ""),
        deployment_id=str(body.get(LTI + "deployment_id") or ""),
        roles=[str(role) for role in body.get(LTI + "roles") or []],
        name=str(body.get("name") or ""),
        given_name=str(body.get("given_name") or ""),
        family_name=str(body.get("family_name") or ""),
        email=str(body.get("email") or ""),
        context_id=str(context.get("id") or ""),
        context_title=str(context.get("title") or context.get("label") or ""),
        target=str(custom.get("target") or ""),
        lineitem=str(ags.get("lineitem") or ""),
        scopes=[str(scope) for scope in ags.get("scope") or []],
        memberships_url=str(nrps.get("context_memberships_url") or ""),
        resource_link_id=str(link.get("id") or ""),
        deep_link_return_url=str((body.get(DEEP_LINKING) or {}).get("deep_link_return_url") or ""),
    )


def problem(claims: LaunchClaims) -> str:
    """What makes a signed launch unusable here, for the person launching; "" when nothing does."""
    if claims.is_deep_linking and not _web_url(claims.deep_link_return_url):
        return "The platform did not say where to return the new link (deep_link_return_url)."
    for name, url in (("line item", claims.lineitem), ("roster", claims.memberships_url)):
        if url and not _web_url(url):
            return f"The platform's {name} address is not a web address this tool can use."
    return ""


def _web_url(url: str) -> bool:
    """An http(s) address that fits the columns that keep it (500 characters)."""
    return url.startswith(("https://", "http://")) and len(url) <= 500
