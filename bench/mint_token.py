"""Signs one bearer token for the benchmark, as Better Auth's `jwt` plugin would.

Usage: PYTHON mint_token.py ORIGIN SUBJECT [SUBJECT...]

Run with the generated project's own Python, which has PyJWT and cryptography. It makes a
fresh Ed25519 key and prints one JSON object: `jwks`, the public key as Better Auth serves
it at `<ORIGIN>/api/auth/jwks`, and `tokens`, an EdDSA JWT for each SUBJECT (by subject)
whose issuer and audience are ORIGIN (the generated app checks both against the origin of
BETTER_AUTH_URL); `token` is the first subject's.
"""

import base64
import json
import sys
import time

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KID = "bench-key"
# Long enough for the slowest full run; the app refuses an expired token with 401.
LIFETIME_SECONDS = 4 * 3600


def main() -> None:
    origin, subjects = sys.argv[1], sys.argv[2:]
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    now = int(time.time())
    tokens = {}
    for subject in subjects:
        claims = {
            "sub": subject,
            "role": "user",
            "iat": now,
            "exp": now + LIFETIME_SECONDS,
            "iss": origin,
            "aud": origin,
        }
        tokens[subject] = jwt.encode(
            claims, key, algorithm="EdDSA", headers={"kid": KID}
        )
    jwks = {
        "keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": KID, "alg": "EdDSA"}]
    }
    print(json.dumps({"jwks": jwks, "token": tokens[subjects[0]], "tokens": tokens}))


if __name__ == "__main__":
    main()
