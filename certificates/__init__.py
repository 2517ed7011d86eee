"""Certificates: templates, issuance, PDFs, verification (issue 5). Empty for now."""
