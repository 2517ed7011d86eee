"""Show the public key that verifies this platform's digital credentials, or make
a new private key for the ``CERTIFICATE_SIGNING_KEY`` environment variable."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandParser

from certificates import credentials


class Command(BaseCommand):
    help = (
        "Print the public key (JWK) that verifies digital credentials; --profile "
        "prints the issuer profile; --new prints a new private key (PEM) for "
        "CERTIFICATE_SIGNING_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--profile", action="store_true", help="Print the issuer profile."
        )
        group.add_argument(
            "--new",
            action="store_true",
            help="Print a new Ed25519 private key (PEM); nothing is stored.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            pem = Ed25519PrivateKey.generate().private_bytes(
                encoding=serialization.Encoding.PEM,
                format=serialization.PrivateFormat.PKCS8,
                encryption_algorithm=serialization.NoEncryption(),
            )
            self.stdout.write(pem.decode("ascii"), ending="")
            return
        document = (
            credentials.issuer_profile()
            if options["profile"]
            else credentials.public_jwk()
        )
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
