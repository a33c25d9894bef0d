"""pylti1p3 reads the registered platforms from the database through this tool configuration."""

from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from lti.http import platform_session
from lti.keys import current_key
from lti.models import Deployment, Platform


def registration_for(platform: Platform) -> Registration:
    key = current_key()
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.keyset_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


def platform_for(issuer: str, client_id: str | None) -> Platform | None:
    """The platform with this issuer and client id; an OIDC login may leave the client id out, which is enough
    only while the issuer has registered the tool once."""
    platforms = Platform.objects.filter(issuer=issuer)
    if client_id:
        return platforms.filter(client_id=client_id).first()
    found = list(platforms[:2])
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss: str, client_id: str | None, *args, **kwargs) -> Registration | None:
        platform = platform_for(iss, client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str | None, *args, **kwargs):
        platform = platform_for(iss, client_id)
        if platform is None or not Deployment.objects.filter(platform=platform, deployment_id=deployment_id).exists():
            return None
        return LtiDeployment().set_deployment_id(deployment_id)


class OneTimeNonceSession(DjangoSessionService):
    """pylti1p3 only checks that a launch's nonce was issued; using it up as well means an id_token posted a second
    time is refused."""

    def check_nonce(self, nonce: str) -> bool:
        key = self._get_key("nonce", nonce)
        session = self.data_storage._request.session  # the session storage keeps its values in the Django session
        return session.pop(key, None) is not None


def message_launch(request, **kwargs) -> DjangoMessageLaunch:
    return DjangoMessageLaunch(
        request,
        DatabaseToolConf(),
        session_service=OneTimeNonceSession(request),
        requests_session=platform_session(),
        **kwargs,
    )
