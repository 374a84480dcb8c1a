"""Better Auth bearer tokens, verified as a careful hand-written app would.

The keys come from `<BETTER_AUTH_URL>/api/auth/jwks` and stay in memory; a token whose
`kid` is not among them makes the app fetch the JWKS again (keys rotate), at most once
every 30 seconds. Issuer and audience are the origin of BETTER_AUTH_URL, the algorithm
EdDSA, as Better Auth signs by default.
"""

import asyncio
import os
import time
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

AUTH_URL = os.environ["BETTER_AUTH_URL"].rstrip("/")
ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(AUTH_URL))
JWKS_URL = f"{AUTH_URL}/api/auth/jwks"
ALGORITHMS = ["EdDSA"]
REFETCH_SECONDS = 30.0


class Keys:
    """The JWKS's keys by id."""

    def __init__(self) -> None:
        self.by_id: dict[str, jwt.PyJWK] = {}
        self.fetched_at = -REFETCH_SECONDS
        self.lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        key = self.by_id.get(kid)
        if key is not None:
            return key
        async with self.lock:
            if kid not in self.by_id and time.monotonic() > (
                self.fetched_at + REFETCH_SECONDS
            ):
                self.fetched_at = time.monotonic()
                async with httpx.AsyncClient(timeout=5) as client:
                    response = await client.get(JWKS_URL)
                    response.raise_for_status()
                jwks = jwt.PyJWKSet.from_dict(response.json())
                self.by_id = {key.key_id: key for key in jwks.keys if key.key_id}
        return self.by_id.get(kid)


keys = Keys()
bearer = HTTPBearer(auto_error=False)


def unauthorized() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Invalid or expired token",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def current_user_id(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The `sub` of a valid token; 401 otherwise."""
    if credentials is None:
        raise unauthorized()
    token = credentials.credentials
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = await keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise unauthorized()
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=ORIGIN,
            issuer=ORIGIN,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError:
        raise unauthorized() from None
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise unauthorized()
    return subject


UserId = Annotated[str, Depends(current_user_id)]
