#!/usr/bin/env python3
"""Runs real Django on a small Django project and records what it printed, in the oracle's format.

The project is copied to a temporary folder first (the original is never written). On the copy:
`manage.py check`, `makemigrations --check --dry-run`, `migrate` on a fresh SQLite database, the
runtime probe and extra commands the plan names; for a sequence project (one with a history.json, see
test/oracle/README.md) also state A's `migrate` on its own database, then state B's `migrate` on that
same database. Output is deterministic: the copy's path reads `<scenario>`, Django's package `<django>`,
other install folders `<site-packages>` / `<python>`; memory addresses and migration timestamps are masked.

    /usr/bin/python3 test/django/runner.py PROJECT --python INTERPRETER [--plan PLAN.json] [--complete-settings]

Prints one JSON object (django_version, packages, settings_module, kind, commands, sequence, runner_notes).
A plan (JSON) names what else to run: {"runtime_probe": CODE, "extra": {NAME: [ARGS...]},
"state_a_migrate": [ARGS...], "state_a_probe": CODE, "state_b_probe": CODE, "env": {NAME: VALUE}};
without --plan it is read from the project's expected.json when there is one (the commands it records).
Standard library only: it runs under Debian's Python 3.11 and starts the interpreter it is given.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

COMMAND_TIMEOUT = 180
STANDARD_COMMANDS = ("check", "makemigrations_check", "migrate", "runtime_probe")
ARGS = {
    "check": ["check"],
    "makemigrations_check": ["makemigrations", "--check", "--dry-run"],
    "migrate": ["migrate"],
    "showmigrations": ["showmigrations"],
}
# Files of a scenario folder that are records, not project code.
RECORD_FILES = re.compile(r"^(expected(\..+)?\.json|history\.json|README\.md)$")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3", "db.sqlite3-journal")

PACKAGES_PROBE = r"""
import importlib, json, os
out = {}
for name, module in [("django", "django"), ("django-oauth-toolkit", "oauth2_provider"), ("swapper", "swapper"),
                     ("django-waffle", "waffle"), ("djangorestframework", "rest_framework")]:
    try:
        m = importlib.import_module(module)
    except Exception:
        continue
    version = getattr(m, "__version__", None)
    if module == "django":
        version = m.get_version()
    if version is None:
        try:
            from importlib.metadata import version as dist_version
            version = dist_version(name)
        except Exception:
            version = "unknown"
    out[name] = {"version": str(version), "path": os.path.dirname(m.__file__)}
import sysconfig
out["_paths"] = sorted({p for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]) if p})
print(json.dumps(out))
"""


def interpreter_facts(python):
    """Versions and install folders of Django and its companions as `python` sees them."""
    result = subprocess.run([python, "-c", PACKAGES_PROBE], capture_output=True, text=True, env=clean_env({}), timeout=COMMAND_TIMEOUT)
    if result.returncode != 0:
        raise SystemExit(f"{python} cannot import django:\n{result.stderr}")
    return json.loads(result.stdout)


def clean_env(extra):
    """The environment manage.py runs in: nothing from ours that changes Django's behaviour."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8", "DJANGO_COLORS": "nocolor"})
    env.update(extra)
    return env


def settings_module_of(project):
    """The DJANGO_SETTINGS_MODULE manage.py sets by default."""
    with open(os.path.join(project, "manage.py"), encoding="utf-8") as f:
        match = re.search(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""", f.read())
    return match.group(1) if match else None


def settings_files(root, module):
    base = os.path.join(root, *module.split("."))
    return [p for p in (base + ".py", os.path.join(base, "__init__.py")) if os.path.isfile(p)]


def complete_settings(root, module):
    """Appends the settings a bare fixture leaves out and a run needs: a SQLite database, the templates
    and middleware django.contrib.admin's checks ask for. Only names the settings never mention are added."""
    files = settings_files(root, module)
    if not files:
        return []
    text = "".join(open(f, encoding="utf-8").read() for f in files)
    added = []
    lines = ["", "", "# Appended by test/django/runner.py --complete-settings (a bare fixture)."]
    if "DATABASES" not in text:
        lines.append('DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}')
        added.append("DATABASES")
    if "django.contrib.admin" in text and "TEMPLATES" not in text:
        lines.append('TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {"context_processors": ["django.template.context_processors.request", "django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages"]}}]')
        added.append("TEMPLATES")
    if "django.contrib.admin" in text and "MIDDLEWARE" not in text:
        lines.append('MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware"]')
        added.append("MIDDLEWARE")
    if "django.contrib.admin" in text and "django.contrib.messages" not in text:
        lines.append('INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.messages"]')
        added.append("INSTALLED_APPS += django.contrib.messages")
    if "SECRET_KEY" not in text:
        lines.append('SECRET_KEY = "django-tier"')
        added.append("SECRET_KEY")
    if added:
        with open(files[-1], "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return added


class Normalizer:
    """Replaces machine-specific text (folders, addresses, times) with stable placeholders."""

    def __init__(self, facts, workdirs):
        pairs = [(w, "<scenario>") for w in workdirs]
        pairs += [(os.path.realpath(w), "<scenario>") for w in workdirs]
        django_dir = facts["django"]["path"]
        pairs.append((django_dir, "<django>"))
        pairs.append((os.path.realpath(django_dir), "<django>"))
        for name, fact in facts.items():
            if name.startswith("_") or name == "django":
                continue
            parent = os.path.dirname(fact["path"])
            pairs.append((parent, "<site-packages>"))
        for p in facts["_paths"]:
            pairs.append((p, "<site-packages>" if "-packages" in p else "<python>"))
        pairs.append(("/usr/lib/python3/dist-packages", "<site-packages>"))
        pairs.append((os.path.expanduser("~"), "<home>"))
        # Longest first, so a folder is replaced before any folder that contains it.
        self.pairs = sorted({p for p in pairs if p[0] and p[0] != "/"}, key=lambda p: -len(p[0]))

    def __call__(self, text):
        for old, new in self.pairs:
            text = text.replace(old, new)
        text = re.sub(r"\b0x[0-9a-fA-F]{6,}\b", "0x…", text)
        text = re.sub(r"_auto_\d{8}_\d{4}", "_auto_<timestamp>", text)
        return text


EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def parse_error(stderr):
    """(exception class, message) of what Django printed last: a traceback's final exception, or a
    `CommandError: ...` / `SystemCheckError: ...` line that manage.py prints without a traceback."""
    lines = stderr.split("\n")
    start = None
    tracebacks = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    if tracebacks:
        i = tracebacks[-1] + 1
        while i < len(lines) and (lines[i].startswith(" ") or lines[i] == ""):
            i += 1
        start = i if i < len(lines) else None
    else:
        for i, line in enumerate(lines):
            if re.match(r"^(CommandError|SystemCheckError|[A-Za-z_][\w.]*(Error|Exception)): ", line):
                start = i
                break
    if start is None:
        return None, None
    match = EXCEPTION_LINE.match(lines[start])
    if not match:
        return None, "\n".join(lines[start:]).strip() or None
    rest = [match.group(2) or ""] + lines[start + 1:]
    message = "\n".join(rest).rstrip("\n")
    return match.group(1), message


CHECK_ID = re.compile(r"\(([a-z_0-9]+\.[EWCI]\d{3})\)")


def record(argv_text, completed, normalize):
    stdout = normalize(completed["stdout"])
    stderr = normalize(completed["stderr"])
    code = completed["exit_code"]
    error_class, error_message = (None, None)
    if code != 0:
        error_class, error_message = parse_error(stderr)
    ids = []
    for found in CHECK_ID.findall(stdout + "\n" + stderr):
        if found not in ids:
            ids.append(found)
    if completed.get("timeout"):
        outcome = "timeout"
    elif code == 0:
        outcome = "ok"
    elif error_class is None and "makemigrations" in argv_text and "--check" in argv_text and stdout.startswith("Migrations for"):
        outcome = "changes"  # makemigrations --check: model changes without a migration (exit 1, no exception)
    elif error_class == "EOFError" and "makemigrations" in argv_text and "/questioner.py" in stderr:
        outcome = "question"  # makemigrations detected changes it needs an answer for (a rename?), and stdin is closed
    else:
        outcome = "error"
    return {
        "argv": argv_text,
        "exit_code": code,
        "stdout": stdout,
        "stderr": stderr,
        "outcome": outcome,
        "error_class": error_class,
        "error_message": error_message,
        "check_ids": ids,
    }


def manage(workdir, python, args, env):
    try:
        done = subprocess.run([python, "manage.py", *args], cwd=workdir, capture_output=True, text=True, env=clean_env(env), timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
        return {"exit_code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    except subprocess.TimeoutExpired as e:
        return {"exit_code": None, "stdout": (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "stderr": f"timed out after {COMMAND_TIMEOUT}s", "timeout": True}


def argv_text(args):
    return "python manage.py " + " ".join(args)


def run_command(workdir, python, args, env, normalize):
    return record(argv_text(args), manage(workdir, python, args, env), normalize)


def probe_args(code):
    return ["shell", "-c", code]


def applied_migrations(db_file):
    """The django_migrations table, in the order rows were written."""
    if not os.path.exists(db_file):
        return None
    connection = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return [list(row) for row in connection.execute("SELECT app, name FROM django_migrations ORDER BY id")]
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def database_file(workdir):
    """The SQLite file the project's settings name (db.sqlite3 in the project folder in every scenario)."""
    return os.path.join(workdir, "db.sqlite3")


def copy_project(source, target):
    shutil.copytree(source, target, ignore=lambda d, names: [n for n in IGNORED(d, names)] + ([n for n in names if RECORD_FILES.match(n)] if os.path.samefile(d, source) else []))


def state_a_from(workdir, history):
    """Turns a copy of state B into state A as history.json describes it."""
    state = history["state_a"]
    for rel in state.get("files_added_since", []):
        path = os.path.join(workdir, rel)
        if os.path.isfile(path):
            os.remove(path)
    for rel, text in {**state.get("files_changed_since", {}), **state.get("files_removed_since", {})}.items():
        path = os.path.join(workdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    prune_empty_folders(workdir)


def prune_empty_folders(root):
    for folder, dirs, files in os.walk(root, topdown=False):
        if folder != root and not os.listdir(folder):
            os.rmdir(folder)


def replace_tree(workdir, source):
    """Makes workdir hold exactly source's project files again, keeping the database."""
    for entry in os.listdir(workdir):
        if entry in ("db.sqlite3",):
            continue
        path = os.path.join(workdir, entry)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    for entry in os.listdir(source):
        if RECORD_FILES.match(entry) or entry in ("__pycache__", "db.sqlite3"):
            continue
        path = os.path.join(source, entry)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(workdir, entry), ignore=IGNORED)
        else:
            shutil.copy2(path, os.path.join(workdir, entry))


def plan_from_expected(project):
    """The commands an expected.json records beyond the standard ones, to run them again."""
    path = os.path.join(project, "expected.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        expected = json.load(f)
    plan = dict(expected.get("plan") or {})
    prefix = "python manage.py "
    for name, command in (expected.get("commands") or {}).items():
        argv = command.get("argv", "")
        if name == "runtime_probe" and "runtime_probe" not in plan and argv.startswith(prefix + "shell -c "):
            plan["runtime_probe"] = argv[len(prefix + "shell -c "):]
        elif name not in STANDARD_COMMANDS and argv.startswith(prefix):
            plan.setdefault("extra", {})[name] = argv[len(prefix):].split(" ")
    return plan


def run(project, python, plan, complete):
    project = os.path.abspath(project)
    facts = interpreter_facts(python)
    module = settings_module_of(project)
    history_path = os.path.join(project, "history.json")
    history = json.load(open(history_path, encoding="utf-8")) if os.path.exists(history_path) else None
    env = plan.get("env", {})
    notes = []
    with tempfile.TemporaryDirectory(prefix="djswap-django-") as tmp:
        fresh = os.path.join(tmp, "fresh")
        seq = os.path.join(tmp, "sequence")
        normalize = Normalizer(facts, [fresh, seq, tmp])
        copy_project(project, fresh)
        if complete and module:
            added = complete_settings(fresh, module)
            if added:
                notes.append("settings completed by the runner: " + ", ".join(added))
        commands = {}
        for name in ("check", "makemigrations_check", "migrate"):
            commands[name] = run_command(fresh, python, ARGS[name], env, normalize)
        if plan.get("runtime_probe"):
            commands["runtime_probe"] = run_command(fresh, python, probe_args(plan["runtime_probe"]), env, normalize)
        for name, args in sorted((plan.get("extra") or {}).items()):
            # Each extra command on a fresh database of its own, as the oracle ran them.
            extra_dir = os.path.join(tmp, "extra-" + name)
            copy_project(project, extra_dir)
            if complete and module:
                complete_settings(extra_dir, module)
            normalize.pairs.insert(0, (extra_dir, "<scenario>"))
            commands[name] = run_command(extra_dir, python, args, env, normalize)
        sequence = None
        if history is not None:
            copy_project(project, seq)
            state_a_from(seq, history)
            if complete and module:
                complete_settings(seq, module)
            state_a_args = plan.get("state_a_migrate") or ARGS["migrate"]
            sequence = {
                "explanation": "State A (see history.json) was migrated first; the files were then changed to the current folder contents (state B) and `migrate` was run again on the SAME database.",
                "history_file": "history.json",
                "state_a_migrate": run_command(seq, python, state_a_args, env, normalize),
            }
            if plan.get("state_a_probe"):
                sequence["state_a_probe"] = run_command(seq, python, probe_args(plan["state_a_probe"]), env, normalize)
            sequence["state_a_applied"] = applied_migrations(database_file(seq))
            replace_tree(seq, project)
            if complete and module:
                complete_settings(seq, module)
            sequence["state_b_migrate_same_db"] = run_command(seq, python, ARGS["migrate"], env, normalize)
            extra = {"showmigrations": run_command(seq, python, ARGS["showmigrations"], env, normalize)}
            if plan.get("state_b_probe"):
                extra["runtime_probe"] = run_command(seq, python, probe_args(plan["state_b_probe"]), env, normalize)
            sequence["extra_same_db"] = extra
    return {
        "django_version": facts["django"]["version"],
        "packages": {name: fact["version"] for name, fact in sorted(facts.items()) if not name.startswith("_")},
        "settings_module": module,
        "kind": "sequence" if history is not None else "single-state",
        "commands": commands,
        "sequence": sequence,
        "runner_notes": notes,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs manage.py (default: this one)")
    parser.add_argument("--plan", help="a JSON file naming the runtime probe and extra commands (default: read from the project's expected.json)")
    parser.add_argument("--complete-settings", action="store_true", help="append the database, templates and middleware a bare fixture leaves out")
    args = parser.parse_args(argv)
    if not os.path.isfile(os.path.join(args.project, "manage.py")):
        parser.error(f"{args.project}: no manage.py")
    plan = json.load(open(args.plan, encoding="utf-8")) if args.plan else plan_from_expected(args.project)
    json.dump(run(args.project, args.python, plan, args.complete_settings), sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
