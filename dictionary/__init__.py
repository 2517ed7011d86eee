"""The ethnic-language dictionary (issue 6). Empty for now."""
