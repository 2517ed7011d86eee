"""Digital credentials: Open Badges 3.0, signed with the platform's Ed25519 key.

A certificate's credential is an ``OpenBadgeCredential`` (a W3C Verifiable
Credential, data model 2.0) secured with the "JSON Web Token Proof Format" of
Open Badges 3.0 (section 8.2, "Proofs (Signatures)"): a compact JWS whose
payload is the credential itself plus the JWT claims ``iss``, ``jti``, ``sub``
and ``nbf``. The JOSE header holds only what that section allows:
``{"alg": "EdDSA", "typ": "JWT", "kid": "<issuer.json>#<RFC 7638 thumbprint>"}``.
There is no Linked Data proof, so no RDF canonicalisation.

Anyone can verify a credential offline with the public key that
``issuer_profile()`` publishes (``/certificates/issuer.json``); the credential
names ``/certificates/verify/<code>.json`` for an online revocation check.

The credential's text is Vietnamese whatever language the page was in: it is the
issuer's document, and what is signed must not depend on the reader's language
or on which translation catalogs are compiled.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from certificates.models import Certificate

CONTEXT_VC = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Any published 3.0.x context of Open Badges is accepted when verifying.
_CONTEXT_OB_PATTERN = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.0\.\d+)?\.json$"
)
# "EdDSA" (RFC 8037) is what JOSE libraries and Open Badges tools understand
# today; RFC 9864 (2025) names the same algorithm "Ed25519". Both verify.
ALGORITHM = "EdDSA"
_ALGORITHMS = frozenset({"EdDSA", "Ed25519"})
_TYPES = frozenset({"JWT", "vc+jwt"})
# The JWT claims that repeat the credential's own fields (OB 3.0 section 8.2.3).
_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")
# Clocks of issuing and verifying machines differ a little.
_CLOCK_LEEWAY_SECONDS = 300
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class CredentialInvalid(Exception):
    """A credential that must not be trusted; the message says why."""


# --- the key ----------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """The platform's Ed25519 signing key.

    Production sets the environment variable ``CERTIFICATE_SIGNING_KEY`` to the
    PEM of the key (``python manage.py certificate_key --new`` makes one) and
    keeps it with the database backups: credentials signed with a lost key can
    no longer be checked against the published key. Without it, the local demo
    and the tests use the file ``CERTIFICATE_KEY_FILE``, created (mode 0600) on
    first use and reused afterwards.
    """
    pem = getattr(settings, "CERTIFICATE_SIGNING_KEY", "") or ""
    if pem:
        if "\\n" in pem and "\n" not in pem:
            # One-line environment files often carry the PEM with escaped newlines.
            pem = pem.replace("\\n", "\n")
        return _key_from_pem(pem.encode(), source="CERTIFICATE_SIGNING_KEY")
    path = Path(settings.CERTIFICATE_KEY_FILE)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = _key_file_create(path)
    return _key_from_pem(data, source=str(path))


def _key_from_pem(data: bytes, *, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"{source} does not hold an unencrypted PEM private key: {exc}"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source} holds a key that is not Ed25519.")
    return key


def _key_file_create(path: Path) -> bytes:
    """Write a new key to ``path`` (mode 0600) unless another process just did;
    return the PEM that is in the file afterwards."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a
    # concurrent reader never sees half a key, and of two processes racing to
    # create it, one wins and the other reads the winner's key.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 section 2): anything else,
    including non-canonical trailing bits, is refused."""
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _public_key(
    key: Ed25519PrivateKey | Ed25519PublicKey | None,
) -> Ed25519PublicKey:
    if key is None:
        key = signing_key()
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    return key


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint of an Ed25519 JWK: SHA-256 of its required
    members (RFC 8037: crv, kty, x) in lexicographic order, base64url."""
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def public_jwk(*, key: Ed25519PrivateKey | Ed25519PublicKey | None = None) -> dict:
    """The public half of the signing key (or of ``key``) as a JWK (RFC 8037),
    with ``kid`` = its RFC 7638 thumbprint. Never holds the private ``d``."""
    raw = _public_key(key).public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    return {**jwk, "kid": jwk_thumbprint(jwk), "alg": ALGORITHM, "use": "sig"}


def _public_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PublicKey:
    if not isinstance(jwk, dict):
        raise CredentialInvalid(_("The public key is not a JSON object (JWK)."))
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise CredentialInvalid(
            _("The public key is not an Ed25519 key (kty OKP, crv Ed25519).")
        )
    try:
        raw = _b64url_decode(str(jwk.get("x", "")))
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise CredentialInvalid(
            _("The public key's x is not a valid Ed25519 key.")
        ) from exc


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _issuer_id() -> str:
    return f"{_site_url()}/certificates/issuer.json"


def _issuer_name() -> str:
    return str(getattr(settings, "CERTIFICATE_ISSUER_NAME", "Ban Dân tộc tỉnh Đắk Lắk"))


def issuer_profile() -> dict:
    """The issuer's Open Badges ``Profile`` as published at
    ``/certificates/issuer.json``, with the public key.

    The key is a ``JsonWebKey`` verification method (W3C Controlled Identifiers
    style) whose ``id`` is exactly the ``kid`` of every credential's JOSE header,
    so a verifier that dereferences the ``kid`` finds ``publicKeyJwk`` here.
    """
    issuer_id = _issuer_id()
    jwk = public_jwk()
    method_id = f"{issuer_id}#{jwk['kid']}"
    return {
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": issuer_id,
        "type": ["Profile"],
        "name": _issuer_name(),
        "url": f"{_site_url()}/",
        "verificationMethod": [
            {
                "id": method_id,
                "type": "JsonWebKey",
                "controller": issuer_id,
                "publicKeyJwk": jwk,
            }
        ],
        "assertionMethod": [method_id],
    }


# --- the credential ----------------------------------------------------------------


def _iso(moment: datetime) -> str:
    # Whole seconds: ``nbf`` is a whole NumericDate and must equal ``validFrom``.
    return (
        moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def _grade_percent(grade: float) -> str:
    return f"{round(grade * 100, 1):g}"


def is_workshop_achievement(achievement: str) -> bool:
    """A workshop's certificate of attendance ("workshop:12"), not a course's."""
    return achievement.startswith("workshop:")


def credential_build(*, certificate: Certificate) -> dict:
    """The Open Badges 3.0 ``OpenBadgeCredential`` of ``certificate`` (unsigned).

    The holder is named exactly as printed (``holder_name``, in Unicode NFC) in
    an ``IdentityObject``; the subject's ``id`` is a UUID derived from the
    credential, so it links to no account. Hours and grade are in the
    achievement's description, and the grade is also a ``Percent`` result.
    """
    site = _site_url()
    credential_id = f"{site}/certificates/verify/{certificate.code}/"
    holder = unicodedata.normalize("NFC", certificate.holder_name)
    title = unicodedata.normalize("NFC", certificate.title)
    course = certificate.course
    if course is not None:
        achievement_id = f"{site}/courses/{quote(course.slug)}/"
    else:
        achievement_id = (
            f"{site}/certificates/achievements/{quote(certificate.achievement)}/"
        )
    if is_workshop_achievement(certificate.achievement):
        # A certificate of attendance: the person attended the workshop's
        # sessions as its attendance rule asks; nothing was graded.
        done = f"đã tham dự hội thảo «{title}»"
        description = f"Tham dự hội thảo «{title}»"
        narrative = (
            f"Học viên tham dự hội thảo «{title}»"
            + (f" ({certificate.hours} giờ)" if certificate.hours else "")
            + " với số buổi có mặt đạt yêu cầu chuyên cần của hội thảo."
        )
    else:
        done = f"đã hoàn thành khoá học «{title}»"
        description = f"Hoàn thành khoá học «{title}»"
        narrative = (
            f"Học viên hoàn thành toàn bộ nội dung bắt buộc của khoá học «{title}»"
            + (f" ({certificate.hours} giờ học)" if certificate.hours else "")
            + " và đạt yêu cầu đánh giá của khoá học."
        )
    if certificate.hours:
        description += f", thời lượng {certificate.hours} giờ"
    if certificate.grade is not None:
        description += f", điểm đạt {_grade_percent(certificate.grade)}%"
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": title,
        "description": description + ".",
        "criteria": {"narrative": narrative},
        "inLanguage": "vi",
    }
    subject: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential_id)}",
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": holder,
            }
        ],
        "achievement": achievement,
    }
    if certificate.grade is not None:
        result_id = f"{achievement_id}#grade"
        achievement["resultDescription"] = [
            {
                "id": result_id,
                "type": ["ResultDescription"],
                "name": "Điểm (%)",
                "resultType": "Percent",
            }
        ]
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": result_id,
                "value": _grade_percent(certificate.grade),
            }
        ]
    return {
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "description": f"Chứng nhận {holder} {done}.",
        "issuer": {
            "id": _issuer_id(),
            "type": ["Profile"],
            "name": _issuer_name(),
            "url": f"{site}/",
        },
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        # Not a Bitstring Status List: the certificate's own status document,
        # which answers valid, revoked or replaced.
        "credentialStatus": {
            "id": f"{site}/certificates/verify/{certificate.code}.json",
            "type": "CertificateStatusJson",
        },
    }


def credential_holder(credential: dict) -> str:
    """The holder's name as the credential states it ("" if it names none)."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        return ""
    for identity in subject.get("identifier") or []:
        if (
            isinstance(identity, dict)
            and identity.get("identityType") == "name"
            and not identity.get("hashed")
        ):
            return str(identity.get("identityHash", ""))
    return str(subject.get("name", ""))


def _parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not a string")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def _credential_check(credential: object) -> dict:
    """``credential`` if it has the shape of an Open Badges 3.0 credential."""

    def fail(field: str) -> CredentialInvalid:
        return CredentialInvalid(
            _(
                "This is not an Open Badges 3.0 credential: "
                "%(field)s is missing or wrong."
            )
            % {"field": field}
        )

    if not isinstance(credential, dict):
        raise fail("credential")
    context = credential.get("@context")
    if (
        not isinstance(context, list)
        or not context
        or context[0] != CONTEXT_VC
        or not any(isinstance(c, str) and _CONTEXT_OB_PATTERN.match(c) for c in context)
    ):
        raise fail("@context")
    types = credential.get("type")
    if (
        not isinstance(types, list)
        or "VerifiableCredential" not in types
        or not {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    ):
        raise fail("type")
    if not isinstance(credential.get("id"), str) or not credential["id"]:
        raise fail("id")
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        raise fail("issuer.id")
    try:
        _parse_datetime(credential.get("validFrom"))
    except ValueError as exc:
        raise fail("validFrom") from exc
    if "validUntil" in credential:
        try:
            _parse_datetime(credential["validUntil"])
        except ValueError as exc:
            raise fail("validUntil") from exc
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        raise fail("credentialSubject")
    if not subject.get("id") and not subject.get("identifier"):
        raise fail("credentialSubject.id")
    if not isinstance(subject.get("achievement"), dict):
        raise fail("credentialSubject.achievement")
    return credential


def _claims(credential: dict) -> dict[str, Any]:
    """The JWT claims that OB 3.0 section 8.2.3 derives from the credential."""
    issuer = credential["issuer"]
    claims: dict[str, Any] = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": int(_parse_datetime(credential["validFrom"]).timestamp()),
    }
    subject_id = credential["credentialSubject"].get("id")
    if subject_id:
        claims["sub"] = subject_id
    if credential.get("validUntil"):
        claims["exp"] = int(_parse_datetime(credential["validUntil"]).timestamp())
    return claims


def _json_bytes(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def credential_sign(*, credential: dict, key: Ed25519PrivateKey | None = None) -> str:
    """``credential`` signed as a compact JWS (OB 3.0 JSON Web Token Proof
    Format) with the platform's key, or with ``key``."""
    _credential_check(credential)
    if any(claim in credential for claim in _CLAIMS):
        raise CredentialInvalid(_("The credential already carries JWT claims."))
    key = key or signing_key()
    issuer = credential["issuer"]
    issuer_id = issuer["id"] if isinstance(issuer, dict) else issuer
    header = {
        "alg": ALGORITHM,
        "typ": "JWT",
        "kid": f"{issuer_id}#{public_jwk(key=key)['kid']}",
    }
    payload = {**credential, **_claims(credential)}
    signing_input = f"{_b64url(_json_bytes(header))}.{_b64url(_json_bytes(payload))}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def credential_verify(*, token: str, jwk: dict | None = None) -> dict:
    """The credential inside ``token`` once its signature and claims check out.

    ``jwk`` is the public key to trust (default: the platform's own); a key
    named inside the token is never trusted. Raises ``CredentialInvalid`` for a
    malformed token, an algorithm other than Ed25519, a bad signature, a payload
    that is not an Open Badges 3.0 credential, or JWT claims that contradict it.
    Revocation is not checked here: that needs the ``credentialStatus`` address.
    """
    if not isinstance(token, str):
        raise CredentialInvalid(_("The credential is not text."))
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialInvalid(
            _("The credential is not a compact JWS (three parts separated by dots).")
        )
    try:
        header_bytes, payload_bytes, signature = (_b64url_decode(p) for p in parts)
    except (ValueError, binascii.Error) as exc:
        raise CredentialInvalid(
            _("The credential is malformed: a part is not base64url.")
        ) from exc
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CredentialInvalid(
            _("The credential is malformed: its header is not JSON.")
        ) from exc
    if not isinstance(header, dict):
        raise CredentialInvalid(
            _("The credential is malformed: its header is not JSON.")
        )
    alg = header.get("alg")
    if alg not in _ALGORITHMS:
        raise CredentialInvalid(
            _(
                "The credential uses the algorithm %(alg)s; "
                "only Ed25519 (EdDSA) is accepted."
            )
            % {"alg": json.dumps(alg)}
        )
    if "crit" in header:
        raise CredentialInvalid(_("The credential has critical header parameters."))
    if "typ" in header and header["typ"] not in _TYPES:
        raise CredentialInvalid(
            _("The credential's type %(typ)s is not JWT.")
            % {"typ": json.dumps(header["typ"])}
        )
    trusted = jwk if jwk is not None else public_jwk()
    public_key = _public_key_from_jwk(trusted)
    try:
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature as exc:
        kid = header.get("kid")
        thumbprint = jwk_thumbprint(trusted)
        if isinstance(kid, str) and not kid.endswith(f"#{thumbprint}"):
            raise CredentialInvalid(
                _(
                    "The signature is not valid: the credential names the key "
                    "%(kid)s, not the trusted key %(thumbprint)s."
                )
                % {"kid": kid, "thumbprint": thumbprint}
            ) from exc
        raise CredentialInvalid(
            _("The signature is not valid: the credential was changed after signing.")
        ) from exc
    try:
        payload = json.loads(payload_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CredentialInvalid(
            _("This is not an Open Badges 3.0 credential: the payload is not JSON.")
        ) from exc
    credential = _credential_check(payload)
    _claims_check(payload)
    return {k: v for k, v in credential.items() if k not in _CLAIMS}


def _claims_check(payload: dict) -> None:
    expected = _claims(payload)
    for claim in ("iss", "jti", "nbf", "sub"):
        if claim in expected and payload.get(claim) != expected[claim]:
            raise CredentialInvalid(
                _("The JWT claim %(claim)s does not match the credential.")
                % {"claim": claim}
            )
    if "exp" in expected and payload.get("exp") != expected["exp"]:
        raise CredentialInvalid(
            _("The JWT claim %(claim)s does not match the credential.")
            % {"claim": "exp"}
        )
    now = time.time()
    if expected["nbf"] > now + _CLOCK_LEEWAY_SECONDS:
        raise CredentialInvalid(_("The credential is not valid yet."))
    exp = payload.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or exp < now):
        raise CredentialInvalid(_("The credential has expired."))
