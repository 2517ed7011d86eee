"""Open Badges 3.0 credentials: build, sign with Ed25519, verify, and the command."""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import subprocess
import sys
import unicodedata
import uuid
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from certificates import credentials
from certificates.credentials import CredentialInvalid
from certificates.models import Certificate
from tests.factories import make_course, make_user

ROOT = Path(__file__).resolve().parents[2]

# RFC 8037 appendix A: an Ed25519 key, its RFC 7638 thumbprint, and a JWS.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)

# Names of the Central Highlands: the breve (U+0306) over ê ô ơ ư, and ƀ.
SPECIAL_NAMES = [
    "H\u2019Nơ\u0306 Êban",
    "Y Ƀhă Mlô\u0306",
    "Ama Kê\u0306 Ƀuôn Ya",
    "Ư\u0306 Nê\u0306 Ƀơ\u0306 ư\u0306 ƀ",
]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def sign_raw(header: dict, payload: dict | bytes, key: Ed25519PrivateKey) -> str:
    """A JWS made by hand, for payloads the platform itself refuses to sign."""
    body = (
        payload
        if isinstance(payload, bytes)
        else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    )
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(body)}"
    return f"{signing_input}.{b64url(key.sign(signing_input.encode('ascii')))}"


def payload_of(token: str) -> dict:
    return json.loads(b64url_decode(token.split(".")[1]))


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path) -> Path:
    """Each test signs with its own key file, made on first use."""
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_KEY_FILE = tmp_path / "keys" / "signing-key.pem"
    settings.SITE_URL = "https://lms.example.vn"
    settings.CERTIFICATE_ISSUER_NAME = "Ban Dân tộc tỉnh Đắk Lắk"
    return settings.CERTIFICATE_KEY_FILE


def make_certificate(
    *, holder_name: str = "Nguyễn Thị Hoa", grade: float | None = 0.855, **fields
) -> Certificate:
    user = make_user(full_name=holder_name)
    course = make_course(title="Trồng cà phê bền vững", hours=24)
    return Certificate.objects.create(
        serial=f"DL-2026-{secrets.randbelow(10**6):06d}",
        code=secrets.token_urlsafe(12),
        user=user,
        course=course,
        achievement=f"course:{course.pk}",
        holder_name=holder_name,
        title=course.title,
        hours=course.hours,
        grade=grade,
        issued_at=fields.pop("issued_at", datetime(2026, 11, 20, 8, 30, 15, 123, UTC)),
        **fields,
    )


# --- building -----------------------------------------------------------------------


@pytest.mark.django_db
def test_credential_has_the_open_badges_3_shape():
    certificate = make_certificate()
    credential = credentials.credential_build(certificate=certificate)
    site = "https://lms.example.vn"
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{site}/certificates/verify/{certificate.code}/"
    assert credential["issuer"]["id"] == f"{site}/certificates/issuer.json"
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["issuer"]["name"] == "Ban Dân tộc tỉnh Đắk Lắk"
    assert credential["validFrom"] == "2026-11-20T08:30:15Z"
    assert credential["credentialStatus"]["id"] == (
        f"{site}/certificates/verify/{certificate.code}.json"
    )
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    # Derived from the credential, not from the account.
    assert (
        subject["id"] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential['id'])}"
    )
    assert credentials.credential_holder(credential) == "Nguyễn Thị Hoa"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Trồng cà phê bền vững"
    assert achievement["id"] == f"{site}/courses/{certificate.course.slug}/"
    assert "24 giờ" in achievement["description"]
    assert "85.5%" in achievement["description"]
    assert "24 giờ học" in achievement["criteria"]["narrative"]
    assert subject["result"][0]["value"] == "85.5"
    assert (
        subject["result"][0]["resultDescription"]
        == achievement["resultDescription"][0]["id"]
    )


@pytest.mark.django_db
def test_credential_without_grade_has_no_result():
    credential = credentials.credential_build(certificate=make_certificate(grade=None))
    assert "result" not in credential["credentialSubject"]
    assert "resultDescription" not in credential["credentialSubject"]["achievement"]
    assert "điểm" not in credential["credentialSubject"]["achievement"]["description"]


# --- signing and verifying ---------------------------------------------------------


@pytest.mark.django_db
def test_signed_credential_verifies_and_round_trips():
    credential = credentials.credential_build(certificate=make_certificate())
    token = credentials.credential_sign(credential=credential)
    assert credentials.credential_verify(token=token) == credential


@pytest.mark.django_db
def test_jose_header_and_jwt_claims_follow_open_badges_3():
    credential = credentials.credential_build(certificate=make_certificate())
    token = credentials.credential_sign(credential=credential)
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header == {
        "alg": "EdDSA",
        "typ": "JWT",
        "kid": "https://lms.example.vn/certificates/issuer.json#"
        + credentials.public_jwk()["kid"],
    }
    payload = payload_of(token)
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(
        datetime(2026, 11, 20, 8, 30, 15, tzinfo=UTC).timestamp()
    )


@pytest.mark.django_db
def test_changing_the_holder_in_the_payload_breaks_the_signature():
    credential = credentials.credential_build(certificate=make_certificate())
    token = credentials.credential_sign(credential=credential)
    header, _payload, signature = token.split(".")
    payload = payload_of(token)
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Trần Văn Giả"
    forged = f"{header}.{b64url(json.dumps(payload, ensure_ascii=False).encode())}"
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=f"{forged}.{signature}")
    assert "changed after signing" in str(caught.value)


@pytest.mark.django_db
def test_a_credential_signed_by_another_key_fails():
    credential = credentials.credential_build(certificate=make_certificate())
    other = Ed25519PrivateKey.generate()
    token = credentials.credential_sign(credential=credential, key=other)
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=token)
    assert "not the trusted key" in str(caught.value)
    # Whoever trusts the other key does accept it.
    jwk = credentials.public_jwk(key=other)
    assert credentials.credential_verify(token=token, jwk=jwk) == credential


@pytest.mark.django_db
def test_alg_none_and_other_algorithms_are_refused():
    credential = credentials.credential_build(certificate=make_certificate())
    token = credentials.credential_sign(credential=credential)
    _header, payload, signature = token.split(".")
    for alg in ("none", "HS256", "RS256", None):
        header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        for forged in (f"{header}.{payload}.", f"{header}.{payload}.{signature}"):
            with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
                credentials.credential_verify(token=forged)
            assert "only Ed25519" in str(caught.value)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "e30.e30.!!!",
        "e30=.e30.AAAA",  # padding is not base64url
        "e30.e30.A",  # a length no base64 has
        "e31.e30.AAAA",  # non-canonical trailing bits
        "bm90IGpzb24.e30.AAAA",  # header "not json"
        "W10.e30.AAAA",  # header is a list
    ],
)
@pytest.mark.django_db
def test_malformed_tokens_are_refused(token):
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=token)
    assert str(caught.value)


@pytest.mark.django_db
def test_a_signed_payload_that_is_not_a_credential_is_refused():
    key = credentials.signing_key()
    header = {"alg": "EdDSA", "typ": "JWT"}
    for payload in ({"hello": "world"}, b"[1, 2]", b"\xff\xfe"):
        with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
            credentials.credential_verify(token=sign_raw(header, payload, key))
        assert "not an Open Badges 3.0 credential" in str(caught.value)


@pytest.mark.django_db
def test_claims_that_contradict_the_credential_are_refused():
    key = credentials.signing_key()
    credential = credentials.credential_build(certificate=make_certificate())
    good = payload_of(credentials.credential_sign(credential=credential))
    header = {"alg": "EdDSA", "typ": "JWT"}
    for claim, value in (
        ("iss", "https://evil.example/issuer.json"),
        ("jti", "https://evil.example/other/"),
        ("sub", "urn:uuid:00000000-0000-0000-0000-000000000000"),
        ("nbf", good["nbf"] + 86400),
    ):
        token = sign_raw(header, {**good, claim: value}, key)
        with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
            credentials.credential_verify(token=token)
        assert f"claim {claim} does not match" in str(caught.value)
    missing_iss = {k: v for k, v in good.items() if k != "iss"}
    with pytest.raises(CredentialInvalid):
        credentials.credential_verify(token=sign_raw(header, missing_iss, key))


@pytest.mark.django_db
def test_a_credential_from_the_future_or_expired_is_refused():
    key = credentials.signing_key()
    later = make_certificate(issued_at=datetime(2099, 1, 1, tzinfo=UTC))
    token = credentials.credential_sign(
        credential=credentials.credential_build(certificate=later)
    )
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=token)
    assert "not valid yet" in str(caught.value)
    credential = credentials.credential_build(certificate=make_certificate())
    credential["validUntil"] = "2026-01-01T00:00:00Z"
    token = credentials.credential_sign(credential=credential, key=key)
    assert payload_of(token)["exp"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=token)
    assert "expired" in str(caught.value)


@pytest.mark.parametrize("name", SPECIAL_NAMES)
@pytest.mark.django_db
def test_names_with_breves_and_b_stroke_round_trip_exactly(name):
    certificate = make_certificate(holder_name=name)
    token = credentials.credential_sign(
        credential=credentials.credential_build(certificate=certificate)
    )
    verified = credentials.credential_verify(token=token)
    holder = credentials.credential_holder(verified)
    assert holder == name
    assert holder.count("\u0306") == name.count("\u0306") > 0
    assert unicodedata.is_normalized("NFC", holder)
    # The signed bytes are UTF-8, not \\u escapes, so other tools read the name.
    assert name.encode("utf-8") in b64url_decode(token.split(".")[1])


@pytest.mark.django_db
def test_a_decomposed_name_is_signed_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Kê\u0306 Ƀơ\u0306")
    certificate = make_certificate(holder_name=decomposed)
    token = credentials.credential_sign(
        credential=credentials.credential_build(certificate=certificate)
    )
    holder = credentials.credential_holder(credentials.credential_verify(token=token))
    assert holder == unicodedata.normalize("NFC", decomposed) == "Kê\u0306 Ƀơ\u0306"


# --- the key -----------------------------------------------------------------------


def test_key_file_is_created_private_and_reused(key_file):
    assert not key_file.exists()
    first = credentials.signing_key()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_bytes()
    second = credentials.signing_key()
    assert key_file.read_bytes() == content
    assert credentials.public_jwk(key=first) == credentials.public_jwk(key=second)
    assert [p.name for p in key_file.parent.iterdir()] == [key_file.name]


def test_kid_is_a_stable_rfc7638_thumbprint(settings):
    kid = credentials.public_jwk()["kid"]
    assert credentials.public_jwk()["kid"] == kid
    # RFC 8037 appendix A.3 gives this key's thumbprint.
    key = Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D))
    settings.CERTIFICATE_SIGNING_KEY = pem(key)
    jwk = credentials.public_jwk()
    assert jwk["x"] == RFC8037_X
    assert jwk["kid"] == RFC8037_THUMBPRINT
    assert "d" not in jwk


def test_signing_key_comes_from_the_setting_before_the_file(settings, key_file):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = pem(key).replace("\n", "\\n")
    assert credentials.public_jwk() == credentials.public_jwk(key=key)
    assert not key_file.exists()


def test_rfc8037_example_signature_verifies():
    """An outside test vector: the signature checks, then the payload is refused
    because it is a sentence, not a credential."""
    key = Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D))
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(
            token=RFC8037_JWS, jwk=credentials.public_jwk(key=key)
        )
    assert "not an Open Badges 3.0 credential" in str(caught.value)
    with translation.override("en"), pytest.raises(CredentialInvalid) as caught:
        credentials.credential_verify(token=RFC8037_JWS)
    assert "signature is not valid" in str(caught.value)


def test_issuer_profile_publishes_the_key():
    profile = credentials.issuer_profile()
    jwk = credentials.public_jwk()
    assert profile["id"] == "https://lms.example.vn/certificates/issuer.json"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Ban Dân tộc tỉnh Đắk Lắk"
    (method,) = profile["verificationMethod"]
    assert method["publicKeyJwk"] == jwk
    assert method["id"] == f"{profile['id']}#{jwk['kid']}"
    assert profile["assertionMethod"] == [method["id"]]


# --- the command -------------------------------------------------------------------


def signed_file(tmp_path: Path, name: str = "Y Ƀhă Mlô\u0306") -> tuple[Path, str]:
    token = credentials.credential_sign(
        credential=credentials.credential_build(
            certificate=make_certificate(holder_name=name)
        )
    )
    path = tmp_path / "credential.jwt"
    path.write_text(token + "\n", encoding="utf-8")
    return path, token


@pytest.mark.django_db
def test_command_verifies_a_credential_file(tmp_path):
    path, _token = signed_file(tmp_path)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_credential", str(path), stdout=out)
    text = out.getvalue()
    assert "Holder: Y Ƀhă Mlô\u0306" in text
    assert "Achievement: Trồng cà phê bền vững" in text
    assert "Issuer: Ban Dân tộc tỉnh Đắk Lắk <https://lms.example.vn/" in text
    assert "Valid from: 2026-11-20T08:30:15Z" in text
    assert text.rstrip().endswith("VALID SIGNATURE")


@pytest.mark.django_db
def test_command_reads_json_files_and_a_published_key(tmp_path):
    _path, token = signed_file(tmp_path)
    wrapped = tmp_path / "credential.json"
    wrapped.write_text(json.dumps({"jwt": token}), encoding="utf-8")
    profile = tmp_path / "issuer.json"
    profile.write_text(json.dumps(credentials.issuer_profile()), encoding="utf-8")
    jwk = tmp_path / "key.jwk"
    jwk.write_text(json.dumps(credentials.public_jwk()), encoding="utf-8")
    for key in (profile, jwk):
        out = StringIO()
        call_command("verify_credential", str(wrapped), "--key", str(key), stdout=out)
        assert "VALID SIGNATURE" in out.getvalue()
    other = tmp_path / "other.jwk"
    other.write_text(
        json.dumps(credentials.public_jwk(key=Ed25519PrivateKey.generate()))
    )
    with pytest.raises(CommandError) as caught:
        call_command("verify_credential", str(wrapped), "--key", str(other))
    assert caught.value.returncode == 1


@pytest.mark.django_db
def test_command_refuses_a_tampered_file(tmp_path):
    path, token = signed_file(tmp_path)
    header, payload, signature = token.split(".")
    data = json.loads(b64url_decode(payload))
    data["credentialSubject"]["achievement"]["name"] = "Thạc sĩ nông nghiệp"
    forged = b64url(json.dumps(data, ensure_ascii=False).encode())
    path.write_text(f"{header}.{forged}.{signature}", encoding="utf-8")
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("verify_credential", str(path), stdout=out)
    assert caught.value.returncode == 1
    assert "signature is not valid" in str(caught.value)
    assert "VALID SIGNATURE" not in out.getvalue()


@pytest.mark.django_db
def test_manage_py_exits_with_status_1_on_a_tampered_file(tmp_path):
    path, token = signed_file(tmp_path)
    header, payload, signature = token.split(".")
    data = json.loads(b64url_decode(payload))
    data["validFrom"] = "2020-01-01T00:00:00Z"
    data["nbf"] = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    forged = b64url(json.dumps(data, ensure_ascii=False).encode())
    path.write_text(f"{header}.{forged}.{signature}", encoding="utf-8")
    key = tmp_path / "issuer.json"
    key.write_text(json.dumps(credentials.issuer_profile()), encoding="utf-8")
    command = [sys.executable, "manage.py", "verify_credential", str(path)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    tampered = subprocess.run(
        [*command, "--key", str(key)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert tampered.returncode == 1, tampered.stderr
    assert "VALID SIGNATURE" not in tampered.stdout
    path.write_text(token, encoding="utf-8")
    genuine = subprocess.run(
        [*command, "--key", str(key)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert genuine.returncode == 0, genuine.stderr
    assert "VALID SIGNATURE" in genuine.stdout


def test_certificate_key_command_prints_the_public_key_and_makes_new_ones():
    out = StringIO()
    call_command("certificate_key", stdout=out)
    assert json.loads(out.getvalue()) == credentials.public_jwk()
    out = StringIO()
    call_command("certificate_key", "--profile", stdout=out)
    assert json.loads(out.getvalue()) == credentials.issuer_profile()
    out = StringIO()
    call_command("certificate_key", "--new", stdout=out)
    key = serialization.load_pem_private_key(out.getvalue().encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    assert credentials.public_jwk(key=key) != credentials.public_jwk()
