"""Loads a generated project with the real Django, to check that the generator writes what Django accepts.

    python3 bench/validate_django.py bench/.generated/S

Needs Django and django-oauth-toolkit importable (Debian: python3-django python3-django-oauth-toolkit).
Not part of `npm run bench` or `npm test`: a tool for whoever changes the generator. It reports

- the system checks (only the planted mistakes should fail: fields.E301 for hard references to the
  swapped-out user and application models; Pillow's fields.E210 is silenced),
- the migration graph (Django's loader: missing dependencies, cycles, conflicting leaves),
- whether models and migrations agree (`makemigrations --check --dry-run`).
"""

import io
import json
import os
import sys
from contextlib import redirect_stdout

root = os.path.abspath(sys.argv[1])
sys.path.insert(0, root)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

base = {"__file__": os.path.join(root, "config", "settings", "base.py")}
with open(os.path.join(root, "config", "settings", "base.py")) as handle:
    exec(compile(handle.read(), "base.py", "exec"), base)  # noqa: S102 - the generated settings, read for their lists

available = []
for entry in base["INSTALLED_APPS"]:
    module = entry.split(".apps.")[0] if ".apps." in entry else entry
    try:
        __import__(module)
        available.append(entry)
    except ImportError:
        pass  # third-party apps that are not installed here (rest_framework, corsheaders, ...)

settings.configure(
    INSTALLED_APPS=available,
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    AUTH_USER_MODEL=base["AUTH_USER_MODEL"],
    OAUTH2_PROVIDER_APPLICATION_MODEL=base["OAUTH2_PROVIDER_APPLICATION_MODEL"],
    DEFAULT_AUTO_FIELD=base["DEFAULT_AUTO_FIELD"],
    USE_TZ=True,
    SECRET_KEY="validation",
    TEMPLATES=base["TEMPLATES"],
    MIDDLEWARE=[m for m in base["MIDDLEWARE"] if m.startswith("django.")],
    SILENCED_SYSTEM_CHECKS=["fields.E210"],  # ImageField wants Pillow, which this check does not need
)
django.setup()

from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

report = {"apps": len(available)}
errors = [m for m in checks.run_checks() if m.level >= checks.ERROR]
report["check_errors"] = sorted({f"{m.id}: {m.obj}" for m in errors})

loader = MigrationLoader(None, ignore_no_migrations=True)
report["migrations"] = len(loader.disk_migrations)
report["conflicts"] = {app: names for app, names in loader.detect_conflicts().items()}
loader.graph.ensure_not_cyclic()
report["graph"] = "ok"

out = io.StringIO()
try:
    with redirect_stdout(out):
        call_command("makemigrations", "--check", "--dry-run", "--skip-checks", verbosity=1)
    report["makemigrations"] = "no changes"
except SystemExit:
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("- ")]
    report["makemigrations"] = {"changes": len(lines), "sample": lines[:25]}

print(json.dumps(report, indent=2))
