import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Ê-đê-ƀ-" + "x" * 40


def _check(**env) -> subprocess.CompletedProcess:
    full = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "CERTIFICATE_SIGNING_KEY",
            "SITE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    full.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "ALLOWED_HOSTS": "daotao.example.vn",
        },
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_check_deploy_is_clean():
    result = _check(
        SECRET_KEY=GOOD_KEY,
        DEBUG="0",
        CERTIFICATE_SIGNING_KEY=_new_signing_key(),
        SITE_URL="https://daotao.example.vn",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def _new_signing_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def test_production_check_asks_for_the_certificate_key_and_address():
    result = _check(SECRET_KEY=GOOD_KEY, DEBUG="0")
    assert result.returncode != 0
    assert "certificates.E001" in result.stderr + result.stdout
    assert "certificates.E002" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0"}, "demo key is refused"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": GOOD_KEY}, "DEBUG must be off"),  # DEBUG defaults to on
    ],
)
def test_production_refuses_demo_key_or_debug(env, message):
    result = _check(**env)
    assert result.returncode != 0
    assert message in result.stderr
