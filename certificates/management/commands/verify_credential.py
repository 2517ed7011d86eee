"""Check a downloaded digital credential offline: its signature, its claims, and
what it says. Exits with status 1 and the reason when it must not be trusted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from certificates import credentials


def _read_token(path: Path) -> str:
    """The compact JWS in ``path``: the bare token, or JSON ``{"jwt": ...}``."""
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc},
            returncode=1,
        ) from exc
    if not text.startswith("{"):
        return text
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise CommandError(
            _("%(path)s is neither a credential nor JSON.") % {"path": path},
            returncode=1,
        ) from exc
    token = document.get("jwt") if isinstance(document, dict) else None
    if not isinstance(token, str):
        raise CommandError(
            _('%(path)s has no "jwt" member holding the signed credential.')
            % {"path": path},
            returncode=1,
        )
    return token


def _read_key(path: Path) -> dict[str, Any]:
    """The Ed25519 public JWK in ``path``: a JWK, a JWK set ``{"keys": [...]}``,
    or the issuer profile published at ``/certificates/issuer.json``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise CommandError(
            _("Cannot read the public key %(path)s: %(error)s")
            % {"path": path, "error": exc},
            returncode=1,
        ) from exc
    if isinstance(document, dict) and "kty" in document:
        return document
    keys: list[Any] = []
    if isinstance(document, dict):
        keys.extend(document.get("keys") or [])
        for method in document.get("verificationMethod") or []:
            if isinstance(method, dict) and isinstance(
                method.get("publicKeyJwk"), dict
            ):
                keys.append(method["publicKeyJwk"])
    keys = [k for k in keys if isinstance(k, dict) and k.get("crv") == "Ed25519"]
    if len(keys) != 1:
        raise CommandError(
            _("%(path)s does not hold exactly one Ed25519 public key (JWK).")
            % {"path": path},
            returncode=1,
        )
    return keys[0]


class Command(BaseCommand):
    help = (
        "Verify a digital credential file (Open Badges 3.0, compact JWS) offline "
        "with the platform's public key or a given one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            type=Path,
            help='The credential: the JWS text, or JSON {"jwt": ...}.',
        )
        parser.add_argument(
            "--key",
            type=Path,
            help=(
                "The issuer's public key: a JWK, a JWK set, or the issuer profile "
                "(issuer.json). Default: this platform's own key."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = _read_token(options["file"])
        jwk = _read_key(options["key"]) if options["key"] else None
        try:
            credential = credentials.credential_verify(token=token, jwk=jwk)
        except credentials.CredentialInvalid as exc:
            raise CommandError(str(exc), returncode=1) from exc
        subject = credential["credentialSubject"]
        achievement = subject["achievement"]
        issuer = credential["issuer"]
        if isinstance(issuer, dict):
            issuer_text = f"{issuer.get('name', '')} <{issuer.get('id', '')}>"
        else:
            issuer_text = str(issuer)
        lines = [
            (_("Holder"), credentials.credential_holder(credential)),
            (_("Achievement"), str(achievement.get("name", ""))),
            (_("Issuer"), issuer_text),
            (_("Valid from"), str(credential["validFrom"])),
            (_("Credential"), str(credential["id"])),
        ]
        status = credential.get("credentialStatus")
        if isinstance(status, dict) and status.get("id"):
            lines.append((_("Revocation status (online)"), str(status["id"])))
        for label, value in lines:
            self.stdout.write(f"{label}: {value}")
        self.stdout.write(self.style.SUCCESS("VALID SIGNATURE"))
