#!/usr/bin/env python3
"""Writes the Django-verified scenarios of test/django/scenarios/ from their specs (test/django/scenarios.py).

For each scenario: write the project (a startproject-style skeleton plus the spec's files), run the real
`makemigrations` (Debian's Django, the oldest one) to create its migrations, apply the spec's steps (hand
edits, removals, squashes, a state A for sequences; each recorded in `provenance` with its reason), then run
Django — every available version — with test/django/runner.py, and write the folder with `expected.json`
(the oracle's format, see test/oracle/README.md and test/django/README.md), `expected.django-<version>.json`
for each other version whose outcomes differ, and `history.json` for sequences. A finding's severity comes
from what Django did: "error" only where a run failed the way the spec says; a finding Django is silent on
must name a look-alike scenario that fails (`proof`). Deterministic: fixed dates in migration headers,
fixed auto names, sorted output.

    /usr/bin/python3 scripts/django/generate.py [NAME ...] [--jobs 2] [--list] [--check]

--check regenerates into a temporary folder and fails when any file differs from the committed one.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # the imported spec and runner modules live in the repository
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "test", "django"))

import runner  # noqa: E402
import scenarios as specs  # noqa: E402

OUT = os.path.join(REPO, "test", "django", "scenarios")
FIXED_DATE = "2024-01-01 00:00"
BASE_PYTHON = "/usr/bin/python3"

MANAGE_PY = '''#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings_module}")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
'''

SETTINGS_PY = '''"""
Django settings for project.

Modelled on the settings.py that `django-admin startproject` writes.
"""

{imports}from pathlib import Path

# Build paths inside the project like this: BASE_DIR / 'subdir'.
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-django-tier-not-a-secret"

DEBUG = True

ALLOWED_HOSTS = []


# Application definition

INSTALLED_APPS = [
{apps}]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"

TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        }},
    }},
]

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }}
}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_L10N = True
USE_TZ = True

STATIC_URL = "/static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
{extra}'''

URLS_PY = '''from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
'''

URLS_PY_NO_ADMIN = '''urlpatterns = []
'''

APPS_PY = '''from django.apps import AppConfig


class {cls}Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "{name}"
'''

SETTINGS_FILE = "project/settings.py"


class SpecError(Exception):
    pass


def log(message):
    sys.stderr.write(f"[generate] {message}\n")


def interpreters():
    """[{django, python}] from scripts/django/setup.mjs, oldest Django first."""
    done = subprocess.run(["node", os.path.join(REPO, "scripts", "django", "setup.mjs")], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    found = json.loads(done.stdout)
    if not found or found[0]["python"] != BASE_PYTHON:
        raise SystemExit(f"Debian's Django ({BASE_PYTHON}) is needed to generate the scenarios")
    return found


# ---- building a project ---------------------------------------------------------------------------------

def read_tree(root):
    """{relative path: text} of the project files under root (no caches, no databases)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".pyc") or name.startswith("db.sqlite3"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                out[os.path.relpath(path, root).replace(os.sep, "/")] = f.read()
    return out


def write_file(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def skeleton(spec):
    """The project before any step: manage.py, settings, urls and one package per project app."""
    files = {}
    module = "project.settings.dev" if spec.get("settings_package") else "project.settings"
    files["manage.py"] = MANAGE_PY.format(settings_module=module)
    files["project/__init__.py"] = ""
    apps = spec["apps"]
    files["project/urls.py"] = URLS_PY if "django.contrib.admin" in apps else URLS_PY_NO_ADMIN
    imports = "".join(f"import {m}\n" for m in spec.get("settings_imports", []))
    if imports:
        imports += "\n"
    extra = spec.get("settings", "")
    settings_text = SETTINGS_PY.format(imports=imports, apps="".join(f'    "{a}",\n' for a in apps), extra=("\n" + extra) if extra else "")
    if spec.get("settings_package"):
        # project/settings/{__init__,base,dev}.py, manage.py naming project.settings.dev.
        files["project/settings/__init__.py"] = ""
        files["project/settings/base.py"] = settings_text.replace("Path(__file__).resolve().parent.parent\n", "Path(__file__).resolve().parent.parent.parent\n")
        files["project/settings/dev.py"] = 'from .base import *  # noqa: F401,F403\n\nDEBUG = True\n'
    else:
        files[SETTINGS_FILE] = settings_text
    for app in spec.get("project_apps", []):
        files[f"{app}/__init__.py"] = ""
        files[f"{app}/apps.py"] = APPS_PY.format(cls="".join(p.capitalize() for p in app.split("_")), name=app)
        files[f"{app}/migrations/__init__.py"] = ""
    files.update(spec.get("files", {}))
    return {k: v for k, v in files.items() if v is not None}


def fix_generated(root, created):
    """Fixed dates in the headers makemigrations writes, and fixed names for its auto-named migrations."""
    renamed = []
    for rel in created:
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"^(# Generated by Django \S+ on )\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", r"\g<1>" + FIXED_DATE, text, flags=re.M)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        fixed = re.sub(r"/(\d{4})_auto_\d{8}_\d{4}\.py$", r"/\1_auto_20240101_0000.py", rel)
        if fixed != rel:
            os.rename(path, os.path.join(root, fixed))
        renamed.append(fixed)
    return renamed


def migration_files(root):
    return {rel for rel in read_tree(root) if re.search(r"(^|/)migrations/[^/]+\.py$", rel) and not rel.endswith("__init__.py")}


def manage(root, args, env):
    done = subprocess.run([BASE_PYTHON, "manage.py", *args], cwd=root, capture_output=True, text=True, env=runner.clean_env(env), stdin=subprocess.DEVNULL, timeout=runner.COMMAND_TIMEOUT)
    return done


def apply_step(root, step, env, provenance, state):
    kind = step["step"]
    if kind in ("makemigrations", "squashmigrations"):
        before = migration_files(root)
        done = manage(root, step["args"], env)
        created = fix_generated(root, sorted(migration_files(root) - before))
        entry = {"step": kind, "argv": runner.argv_text(step["args"]), "exit_code": done.returncode, "created": created}
        if done.returncode != 0:
            error_class, error_message = runner.parse_error(done.stderr)
            if not step.get("may_fail"):
                raise SpecError(f"{entry['argv']} failed: {error_class}: {error_message}\n" + "\n".join(done.stderr.splitlines()[-3:]))
            entry["error_class"], entry["error_message"] = error_class, error_message
        if step.get("why"):
            entry["why"] = step["why"]
        provenance.append(entry)
    elif kind == "hand-edit":
        path = os.path.join(root, step["file"])
        with open(path, encoding="utf-8") as f:
            text = f.read()
        count = text.count(step["replaced"])
        if count != step.get("count", 1):
            raise SpecError(f"hand-edit of {step['file']}: {step['replaced']!r} occurs {count} times, expected {step.get('count', 1)}\n---\n{text}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(step["replaced"], step["with"]))
        provenance.append({"step": "hand-edit", "file": step["file"], "why": step["why"], "replaced": step["replaced"], "with": step["with"]})
    elif kind == "write":
        exists = os.path.exists(os.path.join(root, step["file"]))
        write_file(root, step["file"], step["text"])
        entry = {"step": "rewrite" if exists else "write", "file": step["file"]}
        if step.get("why"):
            entry["why"] = step["why"]
        provenance.append(entry)
    elif kind == "remove":
        path = os.path.join(root, step["file"])
        if not os.path.exists(path):
            raise SpecError(f"remove: {step['file']} does not exist")
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        provenance.append({"step": "remove", "file": step["file"], "why": step["why"]})
    elif kind == "move":
        os.makedirs(os.path.dirname(os.path.join(root, step["to"])), exist_ok=True)
        os.rename(os.path.join(root, step["from"]), os.path.join(root, step["to"]))
        provenance.append({"step": "move", "from": step["from"], "to": step["to"], "why": step["why"]})
    elif kind == "state-A":
        if state.get("a") is not None:
            raise SpecError("two state-A steps")
        state["a"] = read_tree(root)
        args = step.get("migrate") or ["migrate"]
        provenance.append({"step": "state-A-migrate", "argv": runner.argv_text(args), "why": step.get("why", "The files so far are state A: the database is migrated with them (see history.json).")})
    else:
        raise SpecError(f"unknown step {kind}")


def build(spec, root):
    """Writes the project into root and applies the steps; returns (provenance, state A files or None)."""
    for rel, text in skeleton(spec).items():
        write_file(root, rel, text)
    provenance = []
    state = {"a": None}
    env = (spec.get("plan") or {}).get("env", {})
    for step in spec["steps"]:
        apply_step(root, step, env, provenance, state)
    return provenance, state["a"]


def history_of(state_a, state_b):
    changed = {rel: text for rel, text in sorted(state_a.items()) if rel in state_b and state_b[rel] != text}
    added = sorted(rel for rel in state_b if rel not in state_a)
    removed = {rel: text for rel, text in sorted(state_a.items()) if rel not in state_b}
    return {
        "note": "A static analyser cannot know which migrations were applied to a database from the code alone. This file gives it that knowledge: `applied_migrations` is the content of the django_migrations table (in order) after `migrate` ran with state A of the project. `state_a` lists how the project files differed in state A from the files now in this folder (state B).",
        "applied_migrations": [],
        "state_a": {"files_changed_since": changed, "files_added_since": added, "files_removed_since": removed},
    }


# ---- reading Django's answers ---------------------------------------------------------------------------

def command_records(run):
    """(path in the record, command record) for every command of one run."""
    out = [(f"commands.{name}", record) for name, record in run["commands"].items()]
    sequence = run.get("sequence") or {}
    for name in ("state_a_migrate", "state_a_probe", "state_b_migrate_same_db"):
        if name in sequence:
            out.append((f"sequence.{name}", sequence[name]))
    for name, record in (sequence.get("extra_same_db") or {}).items():
        out.append((f"sequence.extra_same_db.{name}", record))
    return out


def says_matches(record, says, text):
    """Whether a command record shows Django saying `says` (a check id or an exception class), with `text` in it."""
    if says == "changes":
        return record["outcome"] == "changes" and (not text or text in record["stdout"])
    if record["outcome"] not in ("error", "ok"):
        return False
    hit = False
    if re.fullmatch(r"[a-z_0-9]+\.[EWCI]\d{3}", says):
        hit = says in record["check_ids"] and record["outcome"] == "error"
    elif record["error_class"]:
        hit = record["error_class"] == says or record["error_class"].endswith("." + says)
    if hit and text:
        hit = text in (record["error_message"] or "") or text in record["stderr"] or text in record["stdout"]
    return hit


def evidence_line(record, says):
    lines = (record["stderr"] + "\n" + record["stdout"]).split("\n")
    if says == "changes":
        return "; ".join(line.strip() for line in record["stdout"].splitlines() if line.strip())
    if re.fullmatch(r"[a-z_0-9]+\.[EWCI]\d{3}", says):
        for line in lines:
            if f"({says})" in line:
                return line.strip()
    matches = [line for line in lines if re.match(rf"^([\w.]*\.)?{re.escape(says)}: ", line)]
    return matches[-1] if matches else f"{record['error_class']}: {(record['error_message'] or '').splitlines()[0] if record['error_message'] else ''}"


def outcome_summary(run):
    return [(path, r["exit_code"], r["outcome"], r["error_class"], r["error_message"], r["check_ids"]) for path, r in command_records(run)]


def line_of(files, rel, at, occurrence=1):
    if rel not in files:
        raise SpecError(f"finding in {rel}, which the scenario does not have")
    seen = 0
    for number, line in enumerate(files[rel].split("\n"), start=1):
        if at in line:
            seen += 1
            if seen == occurrence:
                return number
    raise SpecError(f"finding: {at!r} not in {rel}")


def resolve_findings(spec, files, runs):
    """The spec's findings with lines, severities and evidence from the Django runs."""
    out = []
    for f in spec.get("findings", []):
        finding = {"file": f["file"], "line": f.get("line") or line_of(files, f["file"], f["at"], f.get("occurrence", 1)), "kind": f["kind"]}
        says = f.get("says")
        if says:
            # says: one (check id or exception class, text) claim, or a list of them.
            claims = says if isinstance(says, list) else [(says, f.get("text"))]
            evidence, versions, said = [], [], []
            for run in runs:
                for claim, text in claims:
                    hits = [(path, r) for path, r in command_records(run) if says_matches(r, claim, text)]
                    if hits:
                        if run["django_version"] not in versions:
                            versions.append(run["django_version"])
                        if claim not in said:
                            said.append(claim)
                        path, record = hits[0]
                        evidence.append({"django": run["django_version"], "command": path, "text": evidence_line(record, claim)})
            if not versions:
                raise SpecError(f"{spec['name']}: the spec says Django fails with {says} for {f['file']}:{finding['line']}, but no run shows it:\n" + summary_text(runs))
            finding.update({"severity": "error", "django_says": said[0], "django_versions": versions, "evidence": evidence})
        else:
            if not f.get("proof") and not f.get("runtime"):
                raise SpecError(f"{spec['name']}: a finding Django is silent on needs `proof` (a look-alike scenario that fails) or `runtime` (a probe that shows it)")
            finding.update({"severity": "warning", "django_says": None})
            if f.get("proof"):
                finding["proof"] = f["proof"]
            if f.get("runtime"):
                finding["evidence"] = [{"django": run["django_version"], "command": f["runtime"], "text": lookup(run, f["runtime"])["stdout"].strip()} for run in runs if lookup(run, f["runtime"])]
        finding["why"] = f["why"]
        if f.get("related"):
            finding["related"] = [{"file": r[0], "line": line_of(files, r[0], r[1])} for r in f["related"]]
        out.append(finding)
    return sorted(out, key=lambda x: (x["file"], x["line"], x["kind"]))


def lookup(run, path):
    for p, r in command_records(run):
        if p == path:
            return r
    return None


def summary_text(runs):
    lines = []
    for run in runs:
        for path, code, outcome, cls, message, ids in outcome_summary(run):
            first = (message or "").split("\n")[0][:160]
            lines.append(f"  [{run['django_version']}] {path}: {outcome} {cls or ''} {first} {' '.join(ids)}")
    return "\n".join(lines)


def spec_claims(spec):
    out = []
    for f in spec.get("findings", []):
        says = f.get("says")
        if says:
            out += says if isinstance(says, list) else [(says, f.get("text"))]
    return out


def unexplained_failures(spec, runs, findings):
    """Failed commands no finding of the spec accounts for: printed so the spec can be completed."""
    out = []
    for run in runs:
        for path, record in command_records(run):
            if record["outcome"] == "ok" or path.endswith("showmigrations"):
                continue
            if record["outcome"] == "changes" and run is not runs[0]:
                continue  # noted in that version's file: the migrations were written by the oldest Django
            if path == "sequence.state_a_migrate" and spec.get("state_a_may_fail"):
                continue
            if any(says_matches(record, claim, text) for claim, text in spec_claims(spec)):
                continue
            if path in spec.get("expected_failures", {}):
                continue
            out.append(f"[{run['django_version']}] {path}: {record['outcome']} {record['error_class']} {(record['error_message'] or record['stdout']).splitlines()[0] if (record['error_message'] or record['stdout']) else ''}")
    return out


# ---- writing the folder ---------------------------------------------------------------------------------

def drift_notes(run, base):
    """makemigrations --check finding changes in the migrations the oldest Django wrote."""
    notes = []
    for path, record in command_records(run):
        if record["outcome"] == "changes":
            changes = "; ".join(line.strip() for line in record["stdout"].splitlines() if line.startswith("    "))
            notes.append(f"{path}: Django {run['django_version']} detects model changes in the migrations Django {base['django_version']} wrote ({changes}): not a swappable-model problem.")
    return notes


def strip_run(run):
    sequence = run.get("sequence")
    if sequence:
        sequence = {k: v for k, v in sequence.items() if k != "state_a_applied"}
    return sequence


def dump(data):
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def scenario_files(spec, pythons):
    """Generates one scenario; returns {relative path: text} of its folder."""
    with tempfile.TemporaryDirectory(prefix="djswap-generate-") as tmp:
        root = os.path.join(tmp, spec["name"])
        os.makedirs(root)
        provenance, state_a = build(spec, root)
        files = read_tree(root)
        history = None
        if state_a is not None:
            history = history_of(state_a, files)
            write_file(root, "history.json", dump(history))
        plan = spec.get("plan") or {}
        if state_a is not None:
            state_a_step = next(s for s in spec["steps"] if s["step"] == "state-A")
            if state_a_step.get("migrate"):
                plan = {**plan, "state_a_migrate": state_a_step["migrate"]}
        runs = [runner.run(root, i["python"], plan, False) for i in pythons]
    base = runs[0]
    findings = resolve_findings(spec, files, runs)
    for problem in unexplained_failures(spec, runs, findings):
        log(f"{spec['name']}: a failure no finding explains: {problem}")
    if history is not None:
        history["applied_migrations"] = base["sequence"]["state_a_applied"]
    out = dict(files)
    if history is not None:
        out["history.json"] = dump(history)
    others = []
    for run in runs[1:]:
        same = outcome_summary(run) == outcome_summary(base)
        name = "expected.json" if same else f"expected.django-{run['django_version']}.json"
        others.append({"django": run["django_version"], "file": name})
        if not same:
            out[name] = dump({
                "scenario": spec["name"],
                "django_version": run["django_version"],
                "packages": run["packages"],
                "settings_module": run["settings_module"],
                "kind": run["kind"],
                "commands": run["commands"],
                "sequence": strip_run(run),
                "notes": [f"Django {run['django_version']}'s run, where its outcomes differ from Django {base['django_version']}'s (expected.json). The findings are in expected.json."] + drift_notes(run, base),
            })
    expected = {
        "scenario": spec["name"],
        "category": spec["category"],
        "description": spec["description"],
        "django_version": base["django_version"],
        "oauth_toolkit_version": base["packages"].get("django-oauth-toolkit"),
        "packages": base["packages"],
        "settings_module": base["settings_module"],
        "database": "sqlite3 (fresh file db.sqlite3 in the scenario folder, deleted afterwards)",
        "kind": base["kind"],
        "commands": base["commands"],
        "sequence": strip_run(base),
        "findings": findings,
        "notes": spec.get("notes", []),
        "provenance": provenance,
        "django_runs": [{"django": base["django_version"], "file": "expected.json"}] + others,
    }
    if plan:
        expected["plan"] = plan
    out["expected.json"] = dump(expected)
    return out


def write_folder(target, files):
    if os.path.isdir(target):
        shutil.rmtree(target)
    for rel, text in sorted(files.items()):
        write_file(target, rel, text)


def compare_folder(target, files):
    """Differences between a committed scenario folder and a regenerated one."""
    current = read_tree(target) if os.path.isdir(target) else {}
    problems = []
    for rel in sorted(set(current) | set(files)):
        if current.get(rel) != files.get(rel):
            if rel not in current or rel not in files:
                problems.append(f"{rel}: {'missing' if rel not in current else 'no longer generated'}")
            else:
                diff = "".join(list(difflib.unified_diff(current[rel].splitlines(True), files[rel].splitlines(True), rel, rel + " (regenerated)"))[:40])
                problems.append(diff)
    return problems


def check_proofs(all_specs):
    """A finding Django is silent on must name a look-alike scenario where Django does fail."""
    problems = []
    for spec in all_specs:
        for f in spec.get("findings", []):
            proof = f.get("proof")
            if not proof:
                continue
            path = os.path.join(OUT, proof, "expected.json")
            if not os.path.exists(path):
                problems.append(f"{spec['name']}: proof {proof} has no expected.json")
                continue
            with open(path, encoding="utf-8") as fh:
                if not any(x["severity"] == "error" for x in json.load(fh)["findings"]):
                    problems.append(f"{spec['name']}: proof {proof} shows no Django failure")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="scenarios to generate (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="scenarios generated at once (at most 2 Django processes run at a time by default)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--check", action="store_true", help="regenerate into memory and compare with the committed folders")
    args = parser.parse_args(argv)
    all_specs = specs.SCENARIOS
    names = [s["name"] for s in all_specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"duplicate scenario names: {duplicates}")
    if args.list:
        for spec in all_specs:
            print(f"{spec['name']:60} {spec['category']}")
        return 0
    unknown = [n for n in args.names if n not in names]
    if unknown:
        raise SystemExit(f"unknown scenarios: {unknown}")
    chosen = [s for s in all_specs if not args.names or s["name"] in args.names]
    pythons = interpreters()
    log("Django " + ", ".join(f"{i['django']} ({i['python']})" for i in pythons) + f"; {len(chosen)} scenarios")
    failures = []

    def one(spec):
        try:
            return spec, scenario_files(spec, pythons), None
        except SpecError as e:
            return spec, None, str(e)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for spec, files, error in pool.map(one, chosen):
            target = os.path.join(OUT, spec["name"])
            if error:
                failures.append(f"{spec['name']}: {error}")
                log(f"{spec['name']}: FAILED\n{error}")
                continue
            if args.check:
                problems = compare_folder(target, files)
                if problems:
                    failures.append(f"{spec['name']} differs from its regeneration:\n" + "\n".join(problems))
                log(f"{spec['name']}: {'differs' if problems else 'same'}")
            else:
                write_folder(target, files)
                log(f"{spec['name']}: written")
    if not args.names and not args.check:
        known = set(names)
        for entry in sorted(os.listdir(OUT)) if os.path.isdir(OUT) else []:
            if entry not in known and os.path.isdir(os.path.join(OUT, entry)):
                shutil.rmtree(os.path.join(OUT, entry))
                log(f"{entry}: removed (no spec)")
    failures += check_proofs(chosen)
    if failures:
        sys.stderr.write("\n".join(failures) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
