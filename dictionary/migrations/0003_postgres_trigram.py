"""On PostgreSQL: the pg_trgm and unaccent extensions and a trigram index on
the folded search text, for fuzzy search. Other databases skip this."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

INDEX = "dictionary_entry_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON dictionary_entry "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("dictionary", "0002_srs_imports_sort_key")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
