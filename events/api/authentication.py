"""
How API clients sign in. Kept apart from the API's other HTTP helpers: DRF
loads authentication classes while its own views module is still importing.
"""

from rest_framework import exceptions
from rest_framework.authentication import (
    TokenAuthentication as BaseTokenAuthentication,
)
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request


class TokenAuthentication(BaseTokenAuthentication):
    """
    `Authorization: Token <key>`, or `Bearer <key>` as OAuth 2.0 clients and
    generated clients (openapi-python-client's AuthenticatedClient) send it.
    Any other scheme is refused with a 401, never read as anonymous, so that
    a client with a misspelt header learns at once instead of seeing only
    published events.
    """

    schemes = (b"token", b"bearer")

    def authenticate(self, request: Request) -> tuple | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() not in self.schemes:
            raise exceptions.AuthenticationFailed(
                "Unsupported authorization scheme: send "
                "'Authorization: Token <key>' or 'Authorization: Bearer <key>'."
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed authorization header: the scheme and one key, "
                "separated by a space."
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                "Malformed authorization header: the key is not text."
            ) from None
        return self.authenticate_credentials(key)
