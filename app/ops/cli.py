"""`flask --app wsgi doctor`."""
import sys

import click
from flask import current_app


@click.command("doctor")
def doctor():
    """Check the settings a deployment needs; exit 1 on any problem."""
    from app.ops.doctor import report, run_checks
    sys.exit(report(run_checks(current_app.config), echo=click.echo))
