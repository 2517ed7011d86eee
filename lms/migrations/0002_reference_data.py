"""Load the province's communes and the 54 ethnic groups into every database.

The loader lives in ``lms.reference`` so ``manage.py load_reference_data`` can
re-run it when the ``vietnam-provinces`` package is updated; it creates or
updates rows by code, so running it again changes nothing.
"""

from django.db import migrations


def load(apps, schema_editor):
    from lms.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("lms", "0001_initial")]

    # Reversing leaves the rows: profiles may point at them (PROTECT).
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
