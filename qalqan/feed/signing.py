"""Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"> with each valid secret."""
import base64
import hashlib
import hmac
import secrets as _secrets

PREFIX = "whsec_"


def secret_new() -> str:
    return PREFIX + base64.b64encode(_secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(*, secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    return signature_signer(secrets)(msg_id=msg_id, timestamp=timestamp, body=body)


def signature_signer(secrets: list[str]):
    """signature_header for many messages with the same secrets: each key decoded and keyed once."""
    prepared = [hmac.new(_key(s), digestmod=hashlib.sha256) for s in secrets]
    b64encode = base64.b64encode

    def header(*, msg_id: str, timestamp: int, body: bytes) -> str:
        signed = f"{msg_id}.{timestamp}.".encode() + body
        signatures = []
        for keyed in prepared:
            mac = keyed.copy()
            mac.update(signed)
            signatures.append("v1," + b64encode(mac.digest()).decode())
        return " ".join(signatures)

    return header


def verify(*, secret: str, msg_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """What an insurer does: any one of the space-separated signatures made with its secret matches."""
    expected = sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split())
