"""Host headers: only the service's own names are answered, except by the health probes."""

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.middleware.access_log import PROBES


class TrustedHosts:
    """Starlette's TrustedHostMiddleware for every path but the health probes, which container
    health checks and orchestrators call by the container's address, not by a name it serves."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.checked = TrustedHostMiddleware(app, allowed_hosts=allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in PROBES:
            await self.app(scope, receive, send)
        else:
            await self.checked(scope, receive, send)
