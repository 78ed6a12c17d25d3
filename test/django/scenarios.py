"""Specs of the Django-verified scenarios that scripts/django/generate.py writes to test/django/scenarios/.

A spec names the installed apps, the project's files, the steps that produce the migrations (the real
`makemigrations`, then hand edits with their reasons) and the findings a static analyser should report.
A finding says what Django fails with (`says`: a check id or an exception class, `text`: a fragment of
its message); the generator keeps it only if a Django run shows exactly that. A finding Django is silent
on (the code only works by luck) names the look-alike scenario that fails (`proof`) and is a warning.
"""

CONTRIB = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
CONTRIB_NO_ADMIN = ["django.contrib.auth", "django.contrib.contenttypes"]
SETTINGS_FILE = "project/settings.py"
SETTINGS_TAIL = 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'

SCENARIOS = []


# ---- spec helpers -------------------------------------------------------------------------------------

def scenario(name, category, description, apps, steps, project_apps=None, files=None, settings="", findings=(), notes=(), plan=None, **extra):
    """Registers one scenario. apps: INSTALLED_APPS; project_apps: the apps the project defines (default:
    the entries without a dot); settings: lines appended to the settings before any step."""
    spec = {
        "name": name,
        "category": category,
        "description": description,
        "apps": apps,
        "project_apps": project_apps if project_apps is not None else [a for a in apps if "." not in a and a not in THIRD_PARTY],
        "files": files or {},
        "settings": settings,
        "steps": steps,
        "findings": list(findings),
        "notes": list(notes),
    }
    if plan:
        spec["plan"] = plan
    spec.update(extra)
    SCENARIOS.append(spec)
    return spec


THIRD_PARTY = {"oauth2_provider", "swapper", "waffle", "rest_framework", "rest_framework.authtoken"}


def makemigrations(*apps, may_fail=False, why=None):
    step = {"step": "makemigrations", "args": ["makemigrations", *apps]}
    if may_fail:
        step["may_fail"] = True
    if why:
        step["why"] = why
    return step


def squashmigrations(app, migration, why):
    return {"step": "squashmigrations", "args": ["squashmigrations", "--noinput", app, migration], "why": why}


def edit(file, replaced, with_, why, count=1):
    return {"step": "hand-edit", "file": file, "replaced": replaced, "with": with_, "why": why, "count": count}


def write(file, text, why=None):
    return {"step": "write", "file": file, "text": text, "why": why}


def remove(file, why):
    return {"step": "remove", "file": file, "why": why}


def move(source, target, why):
    return {"step": "move", "from": source, "to": target, "why": why}


def state_a(why=None, migrate=None):
    step = {"step": "state-A"}
    if why:
        step["why"] = why
    if migrate:
        step["migrate"] = migrate
    return step


def add_setting(text, why):
    """A hand edit that appends settings after the last line of the template."""
    return edit(SETTINGS_FILE, SETTINGS_TAIL, SETTINGS_TAIL + "\n" + text, why)


def finding(file, at, kind, why, says=None, text=None, proof=None, runtime=None, related=(), occurrence=1):
    f = {"file": file, "at": at, "kind": kind, "why": why, "occurrence": occurrence}
    if says:
        f["says"] = says
    if text:
        f["text"] = text
    if proof:
        f["proof"] = proof
    if runtime:
        f["runtime"] = runtime
    if related:
        f["related"] = list(related)
    return f


# ---- shared model code --------------------------------------------------------------------------------

CUSTOM_USER = '''from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    bio = models.TextField(blank=True)
'''

BLOG_POST = '''from django.conf import settings
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")

    def __str__(self):
        return self.title
'''

AUTH_USER = 'AUTH_USER_MODEL = "users.User"\n'
FK_SETTING = "models.ForeignKey(settings.AUTH_USER_MODEL, "


def custom_user_project(name, category, description, steps, blog=BLOG_POST, blog_app="blog", apps=None, **extra):
    """users.User as AUTH_USER_MODEL from the start, and a blog-like app pointing at it."""
    files = {"users/models.py": CUSTOM_USER, f"{blog_app}/models.py": blog}
    files.update(extra.pop("files", {}))
    return scenario(name, category, description, apps or [*CONTRIB, "users", blog_app], steps, files=files, settings=extra.pop("settings", AUTH_USER), **extra)


# ---- the oracle sample's kinds --------------------------------------------------------------------------

custom_user_project(
    "clean_custom_user", "clean",
    "Custom user model users.User from the first migration; blog refers to it via settings.AUTH_USER_MODEL.",
    [makemigrations()],
)

custom_user_project(
    "swapped_fk_string", "hard-ref-swapped",
    'blog.Post.author is ForeignKey("auth.User") while AUTH_USER_MODEL = "users.User".',
    [makemigrations(), edit("blog/models.py", FK_SETTING, 'models.ForeignKey("auth.User", ', "Hard reference introduced after the migrations were generated (makemigrations refuses to run once it exists: system checks fail).")],
    findings=[finding("blog/models.py", 'ForeignKey("auth.User"', "hard-ref-swapped-model", "auth.User is swapped out for users.User.", says="fields.E301")],
)

custom_user_project(
    "swapped_fk_imported_class", "hard-ref-swapped",
    "blog.Post.author is ForeignKey(User) with User imported from django.contrib.auth.models while AUTH_USER_MODEL = \"users.User\".",
    [
        makemigrations(),
        edit("blog/models.py", "from django.conf import settings\n", "from django.contrib.auth.models import User\n", "Hard reference introduced after the migrations were generated."),
        edit("blog/models.py", FK_SETTING, "models.ForeignKey(User, ", "Hard reference introduced after the migrations were generated."),
    ],
    findings=[finding("blog/models.py", "ForeignKey(User,", "hard-ref-swapped-model", "auth.User is swapped out for users.User.", says="fields.E301")],
    notes=["Importing django.contrib.auth.models.User is itself legal even when swapped; only using it is wrong."],
)

scenario(
    "unswapped_fk_string", "hard-ref-unswapped",
    'AUTH_USER_MODEL is not set; blog.Post.author is ForeignKey("auth.User").',
    [*CONTRIB, "blog"],
    [makemigrations()],
    files={"blog/models.py": BLOG_POST.replace(FK_SETTING, 'models.ForeignKey("auth.User", ').replace("from django.conf import settings\n", "")},
    findings=[finding("blog/models.py", 'ForeignKey("auth.User"', "hard-ref-swappable-model", "Django accepts this while AUTH_USER_MODEL is unset; it becomes fields.E301 the day AUTH_USER_MODEL is set (swapped_fk_string).", proof="swapped_fk_string")],
    notes=["makemigrations wrote to=settings.AUTH_USER_MODEL and a swappable dependency although models.py names auth.User."],
)

custom_user_project(
    "swapped_auth_user_used_at_runtime", "hard-ref-swapped",
    "blog/views.py imports django.contrib.auth.models.User and queries it while AUTH_USER_MODEL = \"users.User\".",
    [makemigrations()],
    files={"blog/views.py": '''from django.contrib.auth.models import User
from django.http import JsonResponse


def user_count(request=None):
    return JsonResponse({"users": User.objects.count()})
'''},
    plan={"runtime_probe": "from blog.views import user_count; user_count()"},
    findings=[finding("blog/views.py", "User.objects.count()", "swapped-model-used-at-runtime", "The swapped-out auth.User has no manager.", says="AttributeError", text="Manager isn't available")],
)

HARDCODED_WHY = "Hard-coded auth dependency instead of swappable_dependency."
for label, sorts, finding_args in [
    ("blog", "before", dict(says="ValueError", text="cannot be resolved")),
    ("wiki", "after", dict(proof="hardcoded_auth_dependency_swapped")),
]:
    custom_user_project(
        "hardcoded_auth_dependency_swapped" if sorts == "before" else "hardcoded_auth_dependency_swapped_sorts_after", "migrations",
        f"AUTH_USER_MODEL = users.User, no admin; {label}/migrations/0001 uses to=settings.AUTH_USER_MODEL but depends on ('auth', '0012_...') instead of swappable_dependency. '{label}' sorts {sorts} 'users'.",
        [
            makemigrations("users"),
            makemigrations(label),
            edit(f"{label}/migrations/0001_initial.py", "migrations.swappable_dependency(settings.AUTH_USER_MODEL),", '("auth", "0012_alter_user_first_name_max_length"),', HARDCODED_WHY),
        ],
        blog_app=label,
        apps=[*CONTRIB_NO_ADMIN, "users", label],
        findings=[finding(f"{label}/migrations/0001_initial.py", '("auth", "0012_alter_user_first_name_max_length")', "hardcoded-dependency-on-swappable",
                          "Nothing orders this migration after users.0001_initial, which creates the model its foreign key points at." + ("" if sorts == "before" else " It works only because 'wiki' sorts after 'users'."), **finding_args)],
    )

scenario(
    "missing_dependency_same_app", "migrations",
    "blog.0002 depends on a misspelt ('blog', '0001_inital').",
    [*CONTRIB, "blog"],
    [
        makemigrations(),
        write("blog/models.py", BLOG_POST.replace("    title = ", "    slug = models.SlugField(blank=True)\n    title = ")),
        makemigrations(),
        edit("blog/migrations/0002_post_slug.py", "('blog', '0001_initial')", "('blog', '0001_inital')", "Typo in a dependency."),
    ],
    files={"blog/models.py": BLOG_POST},
    findings=[finding("blog/migrations/0002_post_slug.py", "0001_inital", "missing-migration-dependency", "No migration blog.0001_inital.", says="NodeNotFoundError")],
)

scenario(
    "circular_dependency", "migrations",
    "blog.0001 depends on shop.0001 (Post has a FK to shop.Product) and shop.0001 was edited to depend on blog.0001.",
    [*CONTRIB, "blog", "shop"],
    [makemigrations(), edit("shop/migrations/0001_initial.py", "    dependencies = [\n", "    dependencies = [\n        ('blog', '0001_initial'),\n", "Adds the back edge that closes the cycle.")],
    files={
        "blog/models.py": BLOG_POST.replace("    def __str__", '    product = models.ForeignKey("shop.Product", null=True, blank=True, on_delete=models.SET_NULL)\n\n    def __str__'),
        "shop/models.py": "from django.db import models\n\n\nclass Product(models.Model):\n    name = models.CharField(max_length=100)\n",
    },
    findings=[finding("shop/migrations/0001_initial.py", "('blog', '0001_initial')", "circular-dependency", "shop.0001_initial -> blog.0001_initial -> shop.0001_initial.", says="CircularDependencyError", related=[("blog/migrations/0001_initial.py", "('shop', '0001_initial')")])],
)

_POST_SLUG = BLOG_POST.replace("    title = ", "    slug = models.SlugField(blank=True)\n    title = ")
_POST_SUMMARY = BLOG_POST.replace("    title = ", "    summary = models.TextField(blank=True)\n    title = ")
scenario(
    "conflicting_leaves", "migrations",
    "Two branches each added a 0002 migration to blog; no merge migration.",
    [*CONTRIB, "blog"],
    [
        makemigrations(),
        write("blog/models.py", _POST_SLUG),
        makemigrations(),
        move("blog/migrations/0002_post_slug.py", "stash/0002_post_slug.py", "branch 1 set aside"),
        write("blog/models.py", _POST_SUMMARY),
        makemigrations(),
        move("stash/0002_post_slug.py", "blog/migrations/0002_post_slug.py", "branch 1 merged back"),
        remove("stash", "temporary"),
        write("blog/models.py", BLOG_POST.replace("    title = ", "    slug = models.SlugField(blank=True)\n    summary = models.TextField(blank=True)\n    title = ")),
    ],
    files={"blog/models.py": BLOG_POST},
    findings=[finding("blog/migrations/0002_post_slug.py", "('blog', '0001_initial')", "conflicting-leaves", "Two leaves in blog.", says="CommandError", text="Conflicting migrations", related=[("blog/migrations/0002_post_summary.py", "('blog', '0001_initial')")])],
    notes=["One finding per conflict, anchored on the first leaf (by name); the other leaf is listed under related."],
)

custom_user_project(
    "setting_auth_user_model_bad_format", "settings",
    'AUTH_USER_MODEL = "users.models.User" (a dotted path, not app_label.ModelName).',
    [makemigrations(), edit(SETTINGS_FILE, AUTH_USER, 'AUTH_USER_MODEL = "users.models.User"\n', "Migrations were generated with a valid setting; the setting was then changed.")],
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "bad-swappable-setting", "Not of the form app_label.ModelName.", says="ValueError", text="Invalid model reference")],
)

custom_user_project(
    "custom_user_app_without_migrations_package", "migrations",
    "AUTH_USER_MODEL = users.User, but the users app has no migrations package.",
    [makemigrations(), remove("users/migrations", "The user app has no migrations package.")],
    plan={"runtime_probe": "from users.models import User; print(User.objects.count())"},
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "swappable-target-unmigrated", "migrate never creates users_user: Django drops the ('users', '__first__') dependencies of an unmigrated app.", says="OperationalError", text="no such table: users_user")],
    notes=["check, makemigrations --check and migrate all succeed; runtime_probe shows the missing table."],
)

WIDGET = '''from django.db import models


class AbstractWidget(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        abstract = True


class Widget(AbstractWidget):
    class Meta(AbstractWidget.Meta):
        swappable = "MYAPP_WIDGET_MODEL"
'''
scenario(
    "setting_project_swappable_undefined", "settings",
    "myapp.Widget is swappable via MYAPP_WIDGET_MODEL; shop's migration reads settings.MYAPP_WIDGET_MODEL; the setting was removed.",
    [*CONTRIB, "myapp", "shop"],
    [makemigrations(), edit(SETTINGS_FILE, '\nMYAPP_WIDGET_MODEL = "myapp.Widget"\n', "", "Setting removed: models.py falls back to a getattr default (without the setting, makemigrations itself crashes with the same AttributeError).")],
    files={
        "myapp/models.py": WIDGET,
        "shop/models.py": '''from django.conf import settings
from django.db import models

WIDGET_MODEL = getattr(settings, "MYAPP_WIDGET_MODEL", "myapp.Widget")


class Order(models.Model):
    widget = models.ForeignKey(WIDGET_MODEL, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)
''',
    },
    settings='MYAPP_WIDGET_MODEL = "myapp.Widget"\n',
    findings=[finding("shop/migrations/0001_initial.py", "settings.MYAPP_WIDGET_MODEL", "undefined-swappable-setting", "The migration reads settings.MYAPP_WIDGET_MODEL, which is not defined.", says="AttributeError", text="MYAPP_WIDGET_MODEL", related=[("myapp/models.py", "swappable =")])],
)

BLOG_ONLY_SETTINGS = None
scenario(
    "midswap_default_to_custom_user", "sequence",
    "State A: default auth.User, blog + admin migrated. State B: users app with a custom User added and AUTH_USER_MODEL = \"users.User\"; migrate again on the same database.",
    [*CONTRIB, "blog"],
    [
        makemigrations(),
        state_a(),
        write("users/__init__.py", ""),
        write("users/apps.py", 'from django.apps import AppConfig\n\n\nclass UsersConfig(AppConfig):\n    default_auto_field = "django.db.models.BigAutoField"\n    name = "users"\n'),
        write("users/migrations/__init__.py", ""),
        write("users/models.py", CUSTOM_USER),
        edit(SETTINGS_FILE, '    "blog",\n]', '    "blog",\n    "users",\n]', "State B installs the users app."),
        add_setting(AUTH_USER, "State B swaps the user model."),
        makemigrations("users"),
    ],
    files={"blog/models.py": BLOG_POST},
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "mid-project-swap", "The swappable setting was changed after migrations had been applied to this database.", says="InconsistentMigrationHistory")],
    notes=["On a fresh database state B is fine (see commands.migrate); the error needs the applied history."],
)


# ---- settings pointing at what does not exist, custom user models nobody configured -----------------------

custom_user_project(
    "setting_target_app_not_installed", "settings",
    'AUTH_USER_MODEL = "accounts.User", but no app accounts is installed.',
    [makemigrations(), edit(SETTINGS_FILE, AUTH_USER, 'AUTH_USER_MODEL = "accounts.User"\n', "The setting names an app that is not installed (generated with a valid setting first).")],
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "swappable-target-missing", "accounts is not installed.", says="ImproperlyConfigured", text="has not been installed")],
)

custom_user_project(
    "setting_target_model_missing", "settings",
    'AUTH_USER_MODEL = "users.Member", but users defines no Member.',
    [makemigrations(), edit(SETTINGS_FILE, AUTH_USER, 'AUTH_USER_MODEL = "users.Member"\n', "The setting names a model that does not exist (generated with a valid setting first).")],
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "swappable-target-missing", "users has no model Member.", says="ImproperlyConfigured", text="has not been installed")],
)

custom_user_project(
    "custom_user_not_configured", "settings",
    "users.User subclasses AbstractUser, but AUTH_USER_MODEL is not set.",
    [makemigrations(), edit(SETTINGS_FILE, "\n" + AUTH_USER, "", "The setting is missing (makemigrations refuses to run without it: system checks fail).")],
    findings=[finding("users/models.py", "class User(AbstractUser)", "swappable-setting-missing", "users.User's groups and user_permissions clash with auth.User's.", says="fields.E304")],
)

scenario(
    "swappable_target_created_later", "migrations",
    "users.0001 creates Team; the custom users.User comes in users.0002. admin.0001 and blog.0001 depend on swappable_dependency(settings.AUTH_USER_MODEL) = ('users', '__first__').",
    [*CONTRIB, "users", "blog"],
    [
        makemigrations("users"),
        write("users/models.py", CUSTOM_USER + "\n\nclass Team(models.Model):\n    name = models.CharField(max_length=100)\n", "The custom user model comes after the first migration."),
        add_setting(AUTH_USER, "AUTH_USER_MODEL set once users.User exists."),
        makemigrations(),
    ],
    files={
        "users/models.py": "from django.db import models\n\n\nclass Team(models.Model):\n    name = models.CharField(max_length=100)\n",
        "blog/models.py": BLOG_POST,
    },
    settings="",
    findings=[finding("users/migrations/0002_user.py", "name='User'", "swappable-target-created-later", "swappable_dependency means ('users', '__first__'), but users.User is created in users.0002.", says="ValueError", text="cannot be resolved")],
)

custom_user_project(
    "swappable_dependency_cycle", "migrations",
    "users.User has a FK to teams.Team; teams.Team has a FK to settings.AUTH_USER_MODEL; users.0001 was edited to depend on teams.0001 (makemigrations itself splits the cycle).",
    [
        makemigrations(),
        edit("teams/migrations/0001_initial.py", "from django.db import migrations, models\n", "from django.conf import settings\nfrom django.db import migrations, models\n", "The owner field moved into teams.0001 by hand (makemigrations had put it in teams.0002 to avoid the cycle)."),
        edit("teams/migrations/0001_initial.py", "    dependencies = [\n    ]\n", "    dependencies = [\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n    ]\n", "The owner field moved into teams.0001 by hand: its dependency with it."),
    ],
    blog_app="teams",
    blog="from django.conf import settings\nfrom django.db import models\n\n\nclass Team(models.Model):\n    name = models.CharField(max_length=100)\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name=\"owned_teams\")\n",
    files={"users/models.py": CUSTOM_USER.replace("    bio = models.TextField(blank=True)\n", "    bio = models.TextField(blank=True)\n    team = models.ForeignKey(\"teams.Team\", null=True, blank=True, on_delete=models.SET_NULL)\n")},
    findings=[finding("teams/migrations/0001_initial.py", "swappable_dependency(settings.AUTH_USER_MODEL)", "circular-dependency", "teams.0001 depends on users.0001 (the swappable dependency), which depends on teams.0001.", says="CircularDependencyError", related=[("users/migrations/0001_initial.py", "('teams', '0001_initial')")])],
)

# ---- migrations that hard-code swappable models -------------------------------------------------------------

custom_user_project(
    "hardcoded_get_model_in_data_migration", "migrations",
    'blog.0002 is a data migration that loads apps.get_model("auth", "User") while AUTH_USER_MODEL = "users.User".',
    [
        makemigrations("users"),
        makemigrations("blog"),
        write("blog/migrations/0002_count_users.py", '''from django.db import migrations


def count_users(apps, schema_editor):
    User = apps.get_model("auth", "User")
    print(User.objects.count())


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(count_users, migrations.RunPython.noop),
    ]
''', "A hand-written data migration."),
    ],
    findings=[finding("blog/migrations/0002_count_users.py", 'apps.get_model("auth", "User")', "hard-ref-swapped-model", "The historical auth.User is swapped out.", says="AttributeError", text="Manager isn't available")],
)

custom_user_project(
    "hardcoded_to_auth_user_in_migration", "migrations",
    "blog/migrations/0001 says to='auth.user' (hand edit) while AUTH_USER_MODEL = \"users.User\".",
    [makemigrations("users"), makemigrations("blog"), edit("blog/migrations/0001_initial.py", "to=settings.AUTH_USER_MODEL", "to='auth.user'", "A migration written before the swap, or by hand.")],
    plan={"runtime_probe": "from users.models import User; from blog.models import Post; u = User.objects.create(username='a'); Post.objects.create(title='t', author=u); print(Post.objects.count())"},
    findings=[
        finding("blog/migrations/0001_initial.py", "to='auth.user'", "hard-ref-swapped-model", "The foreign key points at auth_user, a table a project with a custom user model does not have: inserting fails; makemigrations --check wants to alter the field to settings.AUTH_USER_MODEL.",
                says=[("OperationalError", "no such table: main.auth_user"), ("changes", "Alter field author on post")]),
    ],
)

custom_user_project(
    "missing_swappable_dependency", "migrations",
    "blog/migrations/0001 uses to=settings.AUTH_USER_MODEL but its swappable_dependency was deleted; blog sorts before users; no admin.",
    [makemigrations("users"), makemigrations("blog"), edit("blog/migrations/0001_initial.py", "        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n", "", "The dependency was deleted by hand.")],
    apps=[*CONTRIB_NO_ADMIN, "users", "blog"],
    findings=[finding("blog/migrations/0001_initial.py", "class Migration", "missing-swappable-dependency", "Nothing orders blog.0001 after users.0001.", says="ValueError", text="cannot be resolved")],
)

scenario(
    "unknown_run_before_target", "migrations",
    "A custom DOT Application whose run_before names ('oauth2_provider', '0001_inital') (a typo).",
    [*CONTRIB, "oauth2_provider", "oauthapp"],
    [
        makemigrations("oauthapp"),
        edit("oauthapp/migrations/0001_initial.py", "    initial = True\n", '    initial = True\n\n    run_before = [\n        ("oauth2_provider", "0001_inital"),\n    ]\n', "run_before with a typo."),
        add_setting('OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n', "DOT's documented order: the migration first, then the setting."),
    ],
    files={"oauthapp/models.py": "from django.db import models\nfrom oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    logo_url = models.URLField(blank=True)\n"},
    findings=[finding("oauthapp/migrations/0001_initial.py", '"0001_inital"', "missing-migration-dependency", "No migration oauth2_provider.0001_inital.", says="NodeNotFoundError")],
)

scenario(
    "dependency_on_unmigrated_app", "migrations",
    "blog.0001 depends on ('catalog', '__first__'); catalog is installed but has no migrations package. Django drops the dependency (MigrationLoader.check_key).",
    [*CONTRIB, "catalog", "blog"],
    [makemigrations("blog"), edit("blog/migrations/0001_initial.py", "    dependencies = [\n", "    dependencies = [\n        ('catalog', '__first__'),\n", "A dependency on an app without migrations."), remove("catalog/migrations", "catalog has no migrations.")],
    files={"blog/models.py": BLOG_POST, "catalog/models.py": "from django.db import models\n\n\nclass Category(models.Model):\n    name = models.CharField(max_length=100)\n"},
    notes=["A __first__ dependency on an installed app without migrations is dropped silently."],
)

scenario(
    "dependency_on_uninstalled_app", "migrations",
    "blog.0001 depends on ('catalog', '__first__'), but no app catalog is installed.",
    [*CONTRIB, "blog"],
    [makemigrations("blog"), edit("blog/migrations/0001_initial.py", "    dependencies = [\n", "    dependencies = [\n        ('catalog', '__first__'),\n", "A dependency on an app that is not installed.")],
    files={"blog/models.py": BLOG_POST},
    findings=[finding("blog/migrations/0001_initial.py", "('catalog', '__first__')", "swappable-target-unmigrated", "A __first__ dependency on an app that is not installed (SWP305 covers unknown apps too).", says="ValueError", text="Dependency on unknown app")],
)

scenario(
    "dependency_on_app_with_empty_migrations", "migrations",
    "blog.0001 depends on ('catalog', '__first__'); catalog has a migrations package with no migration in it.",
    [*CONTRIB, "catalog", "blog"],
    [makemigrations("blog"), edit("blog/migrations/0001_initial.py", "    dependencies = [\n", "    dependencies = [\n        ('catalog', '__first__'),\n", "A dependency on an app whose migrations package is empty.")],
    files={"blog/models.py": BLOG_POST, "catalog/models.py": "from django.db import models\n\n\nclass Category(models.Model):\n    name = models.CharField(max_length=100)\n"},
    findings=[finding("blog/migrations/0001_initial.py", "('catalog', '__first__')", "swappable-target-unmigrated", "catalog's migrations package is empty.", says="ValueError", text="Dependency on app with no migrations")],
    expected_failures={"commands.makemigrations_check": "catalog's models have no migration yet: makemigrations --check reports it (not a dependency problem)."},
)

# ---- swappable meta on a replacement ------------------------------------------------------------------------

scenario(
    "swappable_meta_on_replacement", "models",
    'legacy.Application subclasses DOT\'s AbstractApplication and keeps Meta.swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL", while the setting names clients.Application.',
    [*CONTRIB, "oauth2_provider", "clients", "legacy"],
    [
        makemigrations("clients", "legacy"),
        edit("clients/migrations/0001_initial.py", "    initial = True\n", '    initial = True\n\n    run_before = [\n        ("oauth2_provider", "0001_initial"),\n    ]\n', "run_before added by hand, as DOT's docs require."),
        add_setting('OAUTH2_PROVIDER_APPLICATION_MODEL = "clients.Application"\n', "DOT's documented order: the migration first, then the setting."),
    ],
    files={
        "clients/models.py": "from oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    pass\n",
        "legacy/models.py": 'from oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    class Meta(AbstractApplication.Meta):\n        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"\n',
    },
    plan={"runtime_probe": "from legacy.models import Application; print(Application.objects.count())"},
    findings=[finding("legacy/models.py", "swappable =", "swappable-meta-on-replacement", "legacy.Application is swapped out for clients.Application: no table, no manager.", says="AttributeError", text="has been swapped for")],
)


# ---- django-oauth-toolkit: its five swappable models, alone and together ---------------------------------
#
# DOT 1.7's own migrations create all five models and point at each other through oauth2_settings.X_MODEL
# with no dependency on the app that holds a custom one. Each scenario puts the custom models in one app
# whose label sorts before ("clients") or after ("tokens") "oauth2_provider", with no run_before, or with
# run_before = [("oauth2_provider", TARGET)]. Migrations are generated the way that works: settings naming
# the custom models, and DOT's migrations hidden for that one makemigrations run (otherwise makemigrations
# itself fails: DOT's migrations reference a model that has no migration yet).

DOT_MODELS = ["Application", "AccessToken", "RefreshToken", "IDToken", "Grant"]
DOT_ABSTRACT = {m: "Abstract" + m for m in DOT_MODELS}
DOT_SETTING = {"Application": "APPLICATION", "AccessToken": "ACCESS_TOKEN", "RefreshToken": "REFRESH_TOKEN", "IDToken": "ID_TOKEN", "Grant": "GRANT"}
# The DOT models each abstract model points at (so their settings must be defined for makemigrations).
DOT_REFERS = {"Application": [], "AccessToken": ["Application", "RefreshToken", "IDToken"], "RefreshToken": ["Application", "AccessToken"], "IDToken": ["Application"], "Grant": ["Application"]}
DOT_0001 = "0001_initial"
DOT_0004 = "0004_auto_20200902_2022"
HIDE_DOT = 'MIGRATION_MODULES = {"oauth2_provider": None}\n'


def dot_models_py(models):
    imports = ", ".join(DOT_ABSTRACT[m] for m in sorted(models, key=lambda m: DOT_ABSTRACT[m]))
    return f"from oauth2_provider.models import {imports}\n" + "".join(f"\n\nclass {m}({DOT_ABSTRACT[m]}):\n    pass\n" for m in models)


def dot_settings(models, app):
    needed = [m for m in DOT_MODELS if m in models or any(m in DOT_REFERS[c] for c in models)]
    return "".join(f'OAUTH2_PROVIDER_{DOT_SETTING[m]}_MODEL = "{app if m in models else "oauth2_provider"}.{m}"\n' for m in needed)


def dot_name(models, app, run_before):
    tag = "all_five" if len(models) == 5 else "_".join(m.lower() for m in models)
    rb = "no_run_before" if not run_before else "run_before_" + run_before[:4]
    return f"dot_{tag}_{app}_{rb}"


def dot_scenario(models, app, run_before, outcome, proof=None):
    """outcome: ok | by-sort (works only by label order; proof: the look-alike that fails) |
    needs-run-before (ValueError on the custom app's model) | cycle | id-token-later (ValueError on
    oauth2_provider.IDToken: created in DOT's 0004, depended on as __first__)."""
    name = dot_name(models, app, run_before)
    sorts = "before" if app < "oauth2_provider" else "after"
    migration = f"{app}/migrations/0001_initial.py"
    steps = [
        add_setting(HIDE_DOT, "makemigrations fails while DOT's migrations reference custom models that have no migration yet (ValueError: lazy reference); they are hidden for this one run."),
        makemigrations(app),
        edit(SETTINGS_FILE, "\n" + HIDE_DOT, "", "DOT's migrations are back."),
    ]
    if run_before:
        steps.insert(2, edit(migration, "    initial = True\n", f'    initial = True\n\n    run_before = [\n        ("oauth2_provider", "{run_before}"),\n    ]\n', "run_before added by hand (makemigrations never writes it)."))
    findings = []
    if outcome == "needs-run-before":
        findings.append(finding(migration, "class Migration", "missing-run-before", f"DOT's migrations point at {app}'s models through oauth2_settings without a dependency on {app}.", says="ValueError", text=f"Related model '{app}."))
    elif outcome == "by-sort":
        findings.append(finding(migration, "class Migration", "missing-run-before", f"Works only because '{app}' sorts {sorts} 'oauth2_provider' ({proof} fails).", proof=proof))
    elif outcome == "cycle":
        findings.append(finding(migration, f'("oauth2_provider", "{run_before}")', "circular-dependency", f"{app}.0001 depends on oauth2_provider's first migration (a model it points at is DOT's) and run_before makes that migration depend on {app}.0001.", says="CircularDependencyError"))
    elif outcome == "id-token-later":
        findings.append(finding(migration, "swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL)", "swappable-target-created-later", "swappable_dependency means ('oauth2_provider', '__first__'), but DOT creates IDToken in 0004.", says="ValueError", text="Related model 'oauth2_provider.idtoken'"))
    elif outcome == "id-token-later-by-sort":
        findings.append(finding(migration, "swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL)", "swappable-target-created-later", f"Works only because '{app}' sorts after 'oauth2_provider' ({proof} fails).", proof=proof))
    names = ", ".join(models)
    scenario(
        name, "dot",
        f"Custom DOT {names} in app '{app}' (label sorts {sorts} 'oauth2_provider'); " + (f"run_before = [(\"oauth2_provider\", \"{run_before}\")]." if run_before else "no run_before."),
        [*CONTRIB, "oauth2_provider", app],
        steps,
        files={f"{app}/models.py": dot_models_py(models)},
        settings=dot_settings(models, app),
        findings=findings,
    )


A, T, R, I, G = DOT_MODELS
for models, table in [
    ([A], {("clients", None): ("by-sort", ("tokens", None)), ("clients", DOT_0001): "ok", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "ok"}),
    ([T], {("clients", None): "needs-run-before", ("clients", DOT_0001): "cycle", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "cycle", ("tokens", DOT_0004): "needs-run-before"}),
    ([R], {("clients", None): "needs-run-before", ("clients", DOT_0001): "cycle", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "cycle", ("tokens", DOT_0004): "needs-run-before"}),
    ([I], {("clients", None): ("by-sort", ("tokens", None)), ("clients", DOT_0001): "cycle", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "cycle", ("tokens", DOT_0004): "ok"}),
    ([G], {("clients", None): "ok", ("clients", DOT_0001): "cycle", ("tokens", None): "ok", ("tokens", DOT_0001): "cycle"}),
    ([A, T], {("clients", None): "needs-run-before", ("clients", DOT_0001): "cycle", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "cycle"}),
    ([T, R], {("clients", None): "id-token-later", ("clients", DOT_0001): "cycle", ("tokens", None): ("id-token-later-by-sort", ("clients", None)), ("tokens", DOT_0001): "cycle"}),
    ([A, I], {("clients", None): ("by-sort", ("tokens", None)), ("clients", DOT_0001): "ok", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "ok"}),
    ([A, G], {("clients", None): ("by-sort", ("tokens", None)), ("clients", DOT_0001): "ok", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "ok"}),
    ([A, T, R], {("clients", None): "needs-run-before", ("clients", DOT_0001): "cycle", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "cycle"}),
    ([A, T, R, I], {("clients", None): ("by-sort", ("tokens", None)), ("clients", DOT_0001): "ok", ("tokens", None): "needs-run-before", ("tokens", DOT_0001): "ok"}),
    (DOT_MODELS, {("clients", None): "ok", ("clients", DOT_0001): "ok", ("tokens", None): "ok", ("tokens", DOT_0001): "ok"}),
]:
    for (app, run_before), outcome in table.items():
        proof = None
        if isinstance(outcome, tuple):
            outcome, (proof_app, proof_rb) = outcome
            proof = dot_name(models, proof_app, proof_rb)
        dot_scenario(models, app, run_before, outcome, proof)

scenario(
    "dot_all_five_generated_before_swap", "dot",
    "All five DOT models custom in 'tokens', with run_before; but the migration was generated while the settings still named DOT's models (with --skip-checks: the custom models clash with DOT's until swapped), then the settings were switched.",
    [*CONTRIB, "oauth2_provider", "tokens"],
    [
        makemigrations("--skip-checks", "tokens", why="The custom models' reverse accessors clash with DOT's (fields.E304) until the settings swap them."),
        edit("tokens/migrations/0001_initial.py", "    initial = True\n", '    initial = True\n\n    run_before = [\n        ("oauth2_provider", "0001_initial"),\n    ]\n', "run_before added by hand."),
        *[edit(SETTINGS_FILE, f'OAUTH2_PROVIDER_{DOT_SETTING[m]}_MODEL = "oauth2_provider.{m}"\n', f'OAUTH2_PROVIDER_{DOT_SETTING[m]}_MODEL = "tokens.{m}"\n', "The settings are switched to the custom models after makemigrations.") for m in DOT_MODELS],
    ],
    files={"tokens/models.py": dot_models_py(DOT_MODELS)},
    settings="".join(f'OAUTH2_PROVIDER_{DOT_SETTING[m]}_MODEL = "oauth2_provider.{m}"\n' for m in DOT_MODELS),
    findings=[finding("tokens/migrations/0001_initial.py", "name='IDToken'", "relation-before-target-in-migration", "The migration creates IDToken (its first operation) before Application, to which it points through settings.OAUTH2_PROVIDER_APPLICATION_MODEL: generated while that setting named DOT's model, the order no longer fits, and migrate fails at the first model that points forward.", says="ValueError", text="Related model 'tokens.application'")],
)

scenario(
    "dot_fk_to_application_setting_undefined", "dot",
    "blog.Post has a FK to oauth2_settings.APPLICATION_MODEL; makemigrations wrote to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL (the setting was defined then) and the setting was removed afterwards.",
    [*CONTRIB, "oauth2_provider", "blog"],
    [makemigrations("blog"), edit(SETTINGS_FILE, '\nOAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"\n', "", "The setting is removed: DOT itself does not need it (oauth2_settings has a default); without it makemigrations crashes with the same AttributeError.")],
    files={"blog/models.py": "from django.db import models\nfrom oauth2_provider.settings import oauth2_settings\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    client = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE)\n"},
    settings='OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"\n',
    findings=[finding("blog/migrations/0001_initial.py", "migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL)", "undefined-swappable-setting", "The migration reads settings.OAUTH2_PROVIDER_APPLICATION_MODEL, which the settings do not define: oauth2_settings' default does not define it for Django.", says="AttributeError", text="OAUTH2_PROVIDER_APPLICATION_MODEL")],
)

scenario(
    "dot_fk_to_application_setting_defined", "dot",
    "blog.Post has a FK to oauth2_settings.APPLICATION_MODEL; OAUTH2_PROVIDER_APPLICATION_MODEL is defined (as DOT's own model), which makemigrations needs.",
    [*CONTRIB, "oauth2_provider", "blog"],
    [makemigrations("blog")],
    files={"blog/models.py": "from django.db import models\nfrom oauth2_provider.settings import oauth2_settings\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    client = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE)\n"},
    settings='OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"\n',
)

scenario(
    "dot_application_documented_order", "dot",
    "Custom DOT Application in 'oauthapp' (sorts after 'oauth2_provider'), the oracle's clean case: makemigrations before the setting, run_before added by hand.",
    [*CONTRIB, "oauth2_provider", "oauthapp"],
    [
        makemigrations("oauthapp"),
        edit("oauthapp/migrations/0001_initial.py", "    initial = True\n", '    initial = True\n\n    run_before = [\n        ("oauth2_provider", "0001_initial"),\n    ]\n', "run_before added by hand, as DOT's docs require (makemigrations never writes it)."),
        add_setting('OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n', "DOT's documented order: create the migration of the custom Application model BEFORE setting OAUTH2_PROVIDER_APPLICATION_MODEL."),
    ],
    files={"oauthapp/models.py": "from django.db import models\nfrom oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    logo_url = models.URLField(blank=True)\n"},
)


# ---- swapper: reusable apps whose models are swappable through swapper.swappable_setting -------------------

def hidden_makemigrations(hidden, app):
    """makemigrations for app while hidden's migrations are set aside: they point at a model of app that
    has no migration yet, and makemigrations fails on that (ValueError: lazy reference)."""
    line = f'MIGRATION_MODULES = {{"{hidden}": None}}\n'
    return [
        add_setting(line, f"makemigrations fails while {hidden}'s migrations reference a model of {app} that has no migration yet (ValueError: lazy reference); they are hidden for this one run."),
        makemigrations(app),
        edit(SETTINGS_FILE, "\n" + line, "", f"{hidden}'s migrations are back."),
    ]


REVIEWS = '''import swapper
from django.db import models


class AbstractReview(models.Model):
    stars = models.IntegerField(default=5)

    class Meta:
        abstract = True


class Review(AbstractReview):
    class Meta:
        swappable = swapper.swappable_setting("reviews", "Review")
'''
REVIEWS_WITH_COMMENT = REVIEWS + '''

class Comment(models.Model):
    review = models.ForeignKey(swapper.get_model_name("reviews", "Review"), on_delete=models.CASCADE)
    text = models.TextField()
'''
SHOP_FK_REVIEW = '''import swapper
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    review = models.ForeignKey(swapper.get_model_name("reviews", "Review"), null=True, blank=True, on_delete=models.SET_NULL)
'''
MY_REVIEW = '''from django.db import models
from reviews.models import AbstractReview


class Review(AbstractReview):
    title = models.CharField(max_length=100, blank=True)
'''
PREFIXED_REVIEWS = REVIEWS.replace('import swapper\nfrom django.db import models\n', 'import swapper\nfrom django.db import models\n\nswapper.set_app_prefix("reviews", "rv")\n')

scenario(
    "swapper_default", "swapper",
    "reviews.Review is swappable through swapper (REVIEWS_REVIEW_MODEL, never defined: swapper defines the default itself); shop points at it with swapper.get_model_name.",
    [*CONTRIB, "reviews", "shop"],
    [makemigrations()],
    files={"reviews/models.py": REVIEWS, "shop/models.py": SHOP_FK_REVIEW},
)

for label, sorts in [("myreviews", "before"), ("zreviews", "after")]:
    scenario(
        f"swapper_swapped_{'sorts_before' if sorts == 'before' else 'sorts_after'}", "swapper",
        f"REVIEWS_REVIEW_MODEL = \"{label}.Review\" ('{label}' sorts {sorts} 'reviews' and 'shop'); the reviews app's migrations were generated before (as a reusable app's are); shop points at the model with swapper.get_model_name.",
        [*CONTRIB, "reviews", label, "shop"],
        [
            makemigrations("reviews"),
            add_setting(f'REVIEWS_REVIEW_MODEL = "{label}.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
            makemigrations(label, "shop"),
        ],
        files={"reviews/models.py": REVIEWS, f"{label}/models.py": MY_REVIEW, "shop/models.py": SHOP_FK_REVIEW},
    )

for label, sorts, finding_args in [("areviews", "before", dict(proof="swapper_internal_fk_swapped_sorts_after")), ("zreviews", "after", dict(says="ValueError", text="cannot be resolved"))]:
    scenario(
        f"swapper_internal_fk_swapped_sorts_{sorts}", "swapper",
        f"reviews.Comment points at the swappable reviews.Review; reviews' migration was generated unswapped (so it has no dependency for it). REVIEWS_REVIEW_MODEL = \"{label}.Review\" ('{label}' sorts {sorts} 'reviews'), no run_before.",
        [*CONTRIB, "reviews", label],
        [
            makemigrations("reviews"),
            add_setting(f'REVIEWS_REVIEW_MODEL = "{label}.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
            *hidden_makemigrations("reviews", label),
        ],
        files={"reviews/models.py": REVIEWS_WITH_COMMENT, f"{label}/models.py": MY_REVIEW},
        findings=[finding(f"{label}/migrations/0001_initial.py", "class Migration", "missing-run-before", f"reviews.0001 creates Comment with a FK to settings.REVIEWS_REVIEW_MODEL and no dependency on '{label}'.", **finding_args)],
    )

scenario(
    "swapper_internal_fk_swapped_run_before", "swapper",
    "As swapper_internal_fk_swapped_sorts_after, with run_before = [(\"reviews\", \"0001_initial\")] in zreviews.0001.",
    [*CONTRIB, "reviews", "zreviews"],
    [
        makemigrations("reviews"),
        add_setting('REVIEWS_REVIEW_MODEL = "zreviews.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
        *hidden_makemigrations("reviews", "zreviews"),
        edit("zreviews/migrations/0001_initial.py", "    initial = True\n", '    initial = True\n\n    run_before = [\n        ("reviews", "0001_initial"),\n    ]\n', "run_before added by hand."),
    ],
    files={"reviews/models.py": REVIEWS_WITH_COMMENT, "zreviews/models.py": MY_REVIEW},
)

scenario(
    "swapper_prefix_swapped", "swapper",
    'reviews calls swapper.set_app_prefix("reviews", "rv"): the setting is RV_REVIEW_MODEL = "zreviews.Review"; shop points at it with swapper.get_model_name.',
    [*CONTRIB, "reviews", "zreviews", "shop"],
    [
        makemigrations("reviews"),
        add_setting('RV_REVIEW_MODEL = "zreviews.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
        makemigrations("zreviews", "shop"),
    ],
    files={"reviews/models.py": PREFIXED_REVIEWS, "zreviews/models.py": MY_REVIEW, "shop/models.py": SHOP_FK_REVIEW},
)

scenario(
    "swapper_prefix_hardcoded_fk", "swapper",
    'As swapper_prefix_swapped, but shop.Product points at "reviews.Review" directly (swapped out for zreviews.Review).',
    [*CONTRIB, "reviews", "zreviews", "shop"],
    [
        makemigrations("reviews"),
        add_setting('RV_REVIEW_MODEL = "zreviews.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
        makemigrations("zreviews", "shop"),
        edit("shop/models.py", 'swapper.get_model_name("reviews", "Review")', '"reviews.Review"', "Hard reference introduced after the migrations were generated."),
    ],
    files={"reviews/models.py": PREFIXED_REVIEWS, "zreviews/models.py": MY_REVIEW, "shop/models.py": SHOP_FK_REVIEW},
    findings=[finding("shop/models.py", '"reviews.Review"', "hard-ref-swapped-model", "reviews.Review is swapped out for zreviews.Review (RV_REVIEW_MODEL).", says="fields.E301")],
)

scenario(
    "swapper_dependency_in_migration", "swapper",
    "shop's migration uses swapper.dependency(\"reviews\", \"Review\") (swapper's documented form) instead of swappable_dependency; REVIEWS_REVIEW_MODEL = \"zreviews.Review\".",
    [*CONTRIB, "reviews", "zreviews", "shop"],
    [
        makemigrations("reviews"),
        add_setting('REVIEWS_REVIEW_MODEL = "zreviews.Review"\n', "The project swaps the model after the reusable app's migrations exist."),
        makemigrations("zreviews", "shop"),
        edit("shop/migrations/0001_initial.py", "migrations.swappable_dependency(settings.REVIEWS_REVIEW_MODEL),", 'swapper.dependency("reviews", "Review"),', "swapper's documented dependency form."),
        edit("shop/migrations/0001_initial.py", "from django.db import migrations, models\n", "from django.db import migrations, models\nimport swapper\n", "Its import."),
    ],
    files={"reviews/models.py": REVIEWS, "zreviews/models.py": MY_REVIEW, "shop/models.py": SHOP_FK_REVIEW},
)


# ---- waffle: Flag is swappable through WAFFLE_FLAG_MODEL -----------------------------------------------------

MY_FLAG = '''from waffle.models import AbstractUserFlag


class Flag(AbstractUserFlag):
    pass
'''
scenario(
    "waffle_flag_swapped", "waffle",
    'WAFFLE_FLAG_MODEL = "flags.Flag" from the start (a subclass of waffle\'s AbstractUserFlag).',
    [*CONTRIB, "waffle", "flags"],
    [makemigrations("flags")],
    files={"flags/models.py": MY_FLAG},
    settings='WAFFLE_FLAG_MODEL = "flags.Flag"\n',
    plan={"runtime_probe": "from waffle import get_waffle_flag_model; F = get_waffle_flag_model(); F.objects.create(name='beta', everyone=True); print(F._meta.label, F.objects.count())"},
)

scenario(
    "midswap_waffle_flag", "sequence",
    "State A: waffle with its own Flag, migrated, one flag row created. State B: WAFFLE_FLAG_MODEL = \"flags.Flag\" (a new app); migrate again on the same database.",
    [*CONTRIB, "waffle"],
    [
        state_a(),
        write("flags/__init__.py", ""),
        write("flags/apps.py", 'from django.apps import AppConfig\n\n\nclass FlagsConfig(AppConfig):\n    default_auto_field = "django.db.models.BigAutoField"\n    name = "flags"\n'),
        write("flags/migrations/__init__.py", ""),
        write("flags/models.py", MY_FLAG),
        edit(SETTINGS_FILE, '    "waffle",\n]', '    "waffle",\n    "flags",\n]', "State B installs the flags app."),
        add_setting('WAFFLE_FLAG_MODEL = "flags.Flag"\n', "State B swaps waffle's Flag model."),
        makemigrations("flags"),
    ],
    project_apps=[],
    plan={
        "state_a_probe": "from waffle.models import Flag; Flag.objects.create(name='beta', everyone=True); print('flags', Flag.objects.count())",
        "state_b_probe": "from django.db import connection; from waffle import get_waffle_flag_model; F = get_waffle_flag_model(); c = connection.cursor(); c.execute('SELECT COUNT(*) FROM waffle_flag'); print(F._meta.label, 'rows:', F.objects.count(), '| rows left in waffle_flag:', c.fetchone()[0])",
    },
    findings=[finding(SETTINGS_FILE, "WAFFLE_FLAG_MODEL", "mid-project-swap", "migrate succeeds; the flag rows stay in waffle_flag, which nothing reads any more: flags.Flag starts empty.", runtime="sequence.extra_same_db.runtime_probe")],
    notes=["Django says nothing: the swap only adds flags.0001; waffle's migrations do not depend on the setting."],
)


# ---- Django REST framework's authtoken ---------------------------------------------------------------------

custom_user_project(
    "drf_authtoken_custom_user", "drf",
    "rest_framework.authtoken with a custom user model users.User from the start.",
    [makemigrations()],
    apps=[*CONTRIB, "rest_framework", "rest_framework.authtoken", "users", "blog"],
    plan={"runtime_probe": "from users.models import User; from rest_framework.authtoken.models import Token; u = User.objects.create(username='a'); print(Token.objects.create(user=u).user_id == u.pk)"},
)

scenario(
    "midswap_drf_authtoken_custom_user", "sequence",
    "State A: default auth.User with rest_framework.authtoken, no admin, migrated. State B: users.User as AUTH_USER_MODEL; migrate again on the same database.",
    [*CONTRIB_NO_ADMIN, "rest_framework", "rest_framework.authtoken"],
    [
        state_a(),
        write("users/__init__.py", ""),
        write("users/apps.py", 'from django.apps import AppConfig\n\n\nclass UsersConfig(AppConfig):\n    default_auto_field = "django.db.models.BigAutoField"\n    name = "users"\n'),
        write("users/migrations/__init__.py", ""),
        write("users/models.py", CUSTOM_USER),
        edit(SETTINGS_FILE, '    "rest_framework.authtoken",\n]', '    "rest_framework.authtoken",\n    "users",\n]', "State B installs the users app."),
        add_setting(AUTH_USER, "State B swaps the user model."),
        makemigrations("users"),
    ],
    project_apps=[],
    findings=[finding(SETTINGS_FILE, "AUTH_USER_MODEL", "mid-project-swap", "authtoken.0001 was applied with auth.User; it now depends on users.0001.", says="InconsistentMigrationHistory", text="authtoken.0001_initial")],
)


# ---- get_user_model() at import time of a models module ---------------------------------------------------

BLOG_GET_USER_MODEL = '''from django.contrib.auth import get_user_model
from django.db import models

User = get_user_model()


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
'''
for order, apps in [("blog_first", ["blog", "users"]), ("users_first", ["users", "blog"])]:
    custom_user_project(
        f"get_user_model_at_import_{order}", "models",
        f"blog/models.py calls get_user_model() at module level and uses it as a FK target; INSTALLED_APPS lists {apps[0]} before {apps[1]}.",
        [makemigrations()],
        blog=BLOG_GET_USER_MODEL,
        apps=[*CONTRIB, *apps],
        notes=["Django imports the user app's models on demand (apps.get_model during import of blog.models): the order of INSTALLED_APPS does not matter."],
    )


# ---- relations inside the app of the swappable model --------------------------------------------------------

scenario(
    "same_app_relation_to_custom_user", "models",
    "users.Profile points at settings.AUTH_USER_MODEL (users.User, the same app): makemigrations writes no swappable dependency for it.",
    [*CONTRIB, "users"],
    [makemigrations()],
    files={"users/models.py": "from django.conf import settings\n" + CUSTOM_USER + "\n\nclass Profile(models.Model):\n    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n"},
    settings=AUTH_USER,
)

scenario(
    "same_app_relation_added_later", "models",
    "users.0002 adds users.Profile pointing at settings.AUTH_USER_MODEL (users.User, same app).",
    [*CONTRIB, "users"],
    [
        makemigrations(),
        write("users/models.py", "from django.conf import settings\n" + CUSTOM_USER + "\n\nclass Profile(models.Model):\n    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n"),
        makemigrations(),
    ],
    files={"users/models.py": CUSTOM_USER},
    settings=AUTH_USER,
)


# ---- squashed migrations --------------------------------------------------------------------------------------

CATALOG_WIDGET = '''from django.db import models


class AbstractWidget(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        abstract = True


class Widget(AbstractWidget):
    class Meta(AbstractWidget.Meta):
        swappable = "CATALOG_WIDGET_MODEL"
'''
SHOP_ORDER = '''from django.conf import settings
from django.db import models


class Order(models.Model):
    quantity = models.PositiveIntegerField(default=1)
'''
SHOP_ORDER_WIDGET = SHOP_ORDER + "    widget = models.ForeignKey(settings.CATALOG_WIDGET_MODEL, null=True, blank=True, on_delete=models.SET_NULL)\n"
SHOP_ORDER_WIDGET_NOTE = SHOP_ORDER_WIDGET + '    note = models.CharField(max_length=100, blank=True)\n'
SHOP_SQUASH_STEPS = [
    makemigrations(),
    write("shop/models.py", SHOP_ORDER_WIDGET),
    makemigrations(),
    write("shop/models.py", SHOP_ORDER_WIDGET_NOTE),
    makemigrations(),
    squashmigrations("shop", "0003", "Squash shop's three migrations: for a setting other than AUTH_USER_MODEL squashmigrations writes the dependency literally."),
]
SHOP_ORIGINALS = ["shop/migrations/0001_initial.py", "shop/migrations/0002_order_widget.py", "shop/migrations/0003_order_note.py"]

scenario(
    "squash_literal_first", "squash",
    "shop's 0001-0003 squashed; the squash depends on ('catalog', '__first__') literally where the originals said swappable_dependency(settings.CATALOG_WIDGET_MODEL); originals kept.",
    [*CONTRIB, "catalog", "shop"],
    SHOP_SQUASH_STEPS,
    files={"catalog/models.py": CATALOG_WIDGET, "shop/models.py": SHOP_ORDER},
    settings='CATALOG_WIDGET_MODEL = "catalog.Widget"\n',
)

scenario(
    "squash_replaced_deleted", "squash",
    "As squash_literal_first, with the replaced migrations deleted (the squash keeps its replaces list).",
    [*CONTRIB, "catalog", "shop"],
    [*SHOP_SQUASH_STEPS, *[remove(f, "The replaced migrations are deleted once every database has the squash.") for f in SHOP_ORIGINALS]],
    files={"catalog/models.py": CATALOG_WIDGET, "shop/models.py": SHOP_ORDER},
    settings='CATALOG_WIDGET_MODEL = "catalog.Widget"\n',
)

scenario(
    "squash_literal_first_then_swapped", "squash",
    "As squash_replaced_deleted; then CATALOG_WIDGET_MODEL is swapped to widgets.Widget (sorts after shop). The squash still depends on ('catalog', '__first__').",
    [*CONTRIB, "catalog", "shop", "widgets"],
    [
        *SHOP_SQUASH_STEPS,
        *[remove(f, "The replaced migrations are deleted once every database has the squash.") for f in SHOP_ORIGINALS],
        edit(SETTINGS_FILE, 'CATALOG_WIDGET_MODEL = "catalog.Widget"\n', 'CATALOG_WIDGET_MODEL = "widgets.Widget"\n', "The project swaps the model after the squash."),
        *hidden_makemigrations("shop", "widgets"),
    ],
    files={"catalog/models.py": CATALOG_WIDGET, "shop/models.py": SHOP_ORDER, "widgets/models.py": "from catalog.models import AbstractWidget\n\n\nclass Widget(AbstractWidget):\n    pass\n"},
    settings='CATALOG_WIDGET_MODEL = "catalog.Widget"\n',
    findings=[finding("shop/migrations/0001_squashed_0003_order_note.py", "('catalog', '__first__')", "hardcoded-dependency-on-swappable", "The squash's literal dependency still names catalog; nothing orders it after widgets.0001.", says="ValueError", text="Related model 'widgets.widget' cannot be resolved")],
)

BLOG_SLUG = BLOG_POST.replace("    title = ", "    slug = models.SlugField(blank=True)\n    title = ")
BLOG_SLUG_SUMMARY = BLOG_SLUG.replace("    title = ", "    summary = models.TextField(blank=True)\n    title = ")
BLOG_SQUASH_STEPS = [
    makemigrations(),
    write("blog/models.py", BLOG_SLUG),
    makemigrations("blog"),
    write("blog/models.py", BLOG_SLUG_SUMMARY),
    makemigrations("blog"),
]
custom_user_project(
    "squash_auth_user_swappable_kept", "squash",
    "blog's migrations (author -> settings.AUTH_USER_MODEL) squashed: for AUTH_USER_MODEL squashmigrations keeps swappable_dependency.",
    [*BLOG_SQUASH_STEPS, squashmigrations("blog", "0004", "Squash blog.")],
)

custom_user_project(
    "squash_partially_applied", "sequence",
    "State A: blog 0001-0004 on disk, the database migrated up to blog.0002 only. State B: the squash of 0001-0004 with the originals deleted; migrate again on the same database.",
    [
        *BLOG_SQUASH_STEPS,
        state_a(migrate=["migrate", "blog", "0002"], why="The database has blog up to 0002 (the squash will replace 0001-0004)."),
        squashmigrations("blog", "0004", "Squash blog."),
        *[remove(f, "The replaced migrations are deleted although a database has only part of them.") for f in ["blog/migrations/0001_initial.py", "blog/migrations/0002_post_author.py", "blog/migrations/0003_post_slug.py", "blog/migrations/0004_post_summary.py"]],
    ],
    plan={"state_b_probe": "from blog.models import Post; print(list(Post.objects.values_list('slug', 'summary')))"},
    findings=[finding("blog/migrations/0001_squashed_0004_post_summary.py", "replaces = [", "partially-applied-squash", "The database applied blog.0001-0002 of the four the squash replaces, and the originals are gone: Django drops blog from the graph (showmigrations: no migrations) and migrate says nothing; blog.0003-0004 never run.", says="OperationalError", text="no such column: blog_post.slug")],
)


# ---- a Meta.swappable setting that is never defined -------------------------------------------------------

scenario(
    "swappable_setting_undefined_nothing_swapped", "settings",
    "catalog.Widget declares Meta.swappable = \"CATALOG_WIDGET_MODEL\"; the setting is never defined and nothing points at the model: Django reads getattr(settings, name, None), so nothing is swapped out.",
    [*CONTRIB, "catalog"],
    [makemigrations()],
    files={"catalog/models.py": CATALOG_WIDGET},
    plan={"runtime_probe": "from catalog.models import Widget; Widget.objects.create(name='w'); print(Widget.objects.count())"},
)

scenario(
    "swappable_setting_undefined_string_fk", "settings",
    'catalog.Widget declares Meta.swappable = "CATALOG_WIDGET_MODEL" (never defined); shop.Order points at "catalog.Widget". makemigrations crashes for shop: the writer serialises the target as settings.CATALOG_WIDGET_MODEL.',
    [*CONTRIB, "catalog", "shop"],
    [
        makemigrations(),
        write("shop/models.py", 'from django.db import models\n\n\nclass Order(models.Model):\n    widget = models.ForeignKey("catalog.Widget", on_delete=models.CASCADE)\n'),
        makemigrations("shop", may_fail=True, why="Records the crash: shop gets no migration."),
    ],
    files={"catalog/models.py": CATALOG_WIDGET, "shop/models.py": ""},
    findings=[finding("shop/models.py", '"catalog.Widget"', "undefined-swappable-setting", "The target is swappable through a setting the settings never define; makemigrations needs it.", says="AttributeError", text="CATALOG_WIDGET_MODEL")],
)


# ---- settings read from the environment ------------------------------------------------------------------

custom_user_project(
    "settings_environ_get_default", "settings",
    'AUTH_USER_MODEL = os.environ.get("DJANGO_AUTH_USER_MODEL", "users.User") (the environment does not set it); blog.Post.author is ForeignKey("auth.User").',
    [makemigrations(), edit("blog/models.py", FK_SETTING, 'models.ForeignKey("auth.User", ', "Hard reference introduced after the migrations were generated.")],
    settings='AUTH_USER_MODEL = os.environ.get("DJANGO_AUTH_USER_MODEL", "users.User")\n',
    settings_imports=["os"],
    findings=[finding("blog/models.py", 'ForeignKey("auth.User"', "hard-ref-swapped-model", "With the environment unset the default users.User applies: auth.User is swapped out.", says="fields.E301")],
)

custom_user_project(
    "settings_environ_required", "settings",
    'AUTH_USER_MODEL = os.environ["DJANGO_AUTH_USER_MODEL"] (the run sets it to users.User); blog.Post.author is ForeignKey("auth.User"). A static reader cannot know the value.',
    [makemigrations(), edit("blog/models.py", FK_SETTING, 'models.ForeignKey("auth.User", ', "Hard reference introduced after the migrations were generated.")],
    settings='AUTH_USER_MODEL = os.environ["DJANGO_AUTH_USER_MODEL"]\n',
    settings_imports=["os"],
    plan={"env": {"DJANGO_AUTH_USER_MODEL": "users.User"}},
    findings=[finding("blog/models.py", 'ForeignKey("auth.User"', "hard-ref-swappable-model", "Fails with the environment this run had; the value is not in the code, so an analyser can only say the reference is hard-coded (information, not error).", says="fields.E301")],
)


# ---- mid-project swaps ---------------------------------------------------------------------------------------

OAUTHAPP_MODELS = "from django.db import models\nfrom oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    logo_url = models.URLField(blank=True)\n"
RUN_BEFORE_DOT = '    initial = True\n\n    run_before = [\n        ("oauth2_provider", "0001_initial"),\n    ]\n'

scenario(
    "midswap_dot_application_builtin_to_custom", "sequence",
    "State A: DOT with its own Application, migrated. State B: a custom oauthapp.Application with run_before and OAUTH2_PROVIDER_APPLICATION_MODEL; migrate again on the same database.",
    [*CONTRIB, "oauth2_provider"],
    [
        state_a(),
        write("oauthapp/__init__.py", ""),
        write("oauthapp/apps.py", 'from django.apps import AppConfig\n\n\nclass OauthappConfig(AppConfig):\n    default_auto_field = "django.db.models.BigAutoField"\n    name = "oauthapp"\n'),
        write("oauthapp/migrations/__init__.py", ""),
        write("oauthapp/models.py", OAUTHAPP_MODELS),
        edit(SETTINGS_FILE, '    "oauth2_provider",\n]', '    "oauth2_provider",\n    "oauthapp",\n]', "State B installs oauthapp."),
        makemigrations("oauthapp"),
        edit("oauthapp/migrations/0001_initial.py", "    initial = True\n", RUN_BEFORE_DOT, "run_before added by hand, as DOT's docs require."),
        add_setting('OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n', "State B swaps the Application model."),
    ],
    project_apps=[],
    findings=[finding(SETTINGS_FILE, "OAUTH2_PROVIDER_APPLICATION_MODEL", "mid-project-swap", "oauth2_provider.0001 was applied; run_before now makes it depend on oauthapp.0001.", says="InconsistentMigrationHistory", text="oauth2_provider.0001_initial is applied before its dependency oauthapp.0001_initial")],
)

scenario(
    "midswap_dot_application_custom_to_builtin", "sequence",
    "State A: custom oauthapp.Application (documented order, run_before), migrated. State B: OAUTH2_PROVIDER_APPLICATION_MODEL = \"oauth2_provider.Application\" again; migrate again on the same database.",
    [*CONTRIB, "oauth2_provider", "oauthapp"],
    [
        makemigrations("oauthapp"),
        edit("oauthapp/migrations/0001_initial.py", "    initial = True\n", RUN_BEFORE_DOT, "run_before added by hand, as DOT's docs require."),
        add_setting('OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n', "DOT's documented order: the migration first, then the setting."),
        state_a(),
        edit(SETTINGS_FILE, 'OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n', 'OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"\n', "State B goes back to DOT's own Application."),
    ],
    files={"oauthapp/models.py": OAUTHAPP_MODELS},
    plan={"state_b_probe": "from oauth2_provider.models import Application; print(Application.objects.count())"},
    findings=[finding(SETTINGS_FILE, "OAUTH2_PROVIDER_APPLICATION_MODEL", "mid-project-swap", "oauth2_provider.0001 ran while Application was swapped out: its table was never created, and migrate has nothing left to apply.", says="OperationalError", text="no such table: oauth2_provider_application")],
)


# ---- more clean shapes of the oracle sample ------------------------------------------------------------------

custom_user_project(
    "clean_settings_package", "clean",
    "Settings in a package (project/settings/base.py + dev.py, manage.py names project.settings.dev); AUTH_USER_MODEL = \"users.User\" in base.py.",
    [makemigrations()],
    settings_package=True,
)

custom_user_project(
    "clean_custom_user_self_swappable_dependency", "clean",
    "The custom user app's own migration lists migrations.swappable_dependency(settings.AUTH_USER_MODEL), i.e. ('users', '__first__'): Django ignores __first__ references to the migration's own app.",
    [
        makemigrations(),
        edit("users/migrations/0001_initial.py", "    dependencies = [\n", "    dependencies = [\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n", "A custom-user app migration that depends on swappable_dependency(settings.AUTH_USER_MODEL), i.e. on its own app."),
        edit("users/migrations/0001_initial.py", "from django.db import migrations, models\n", "from django.conf import settings\nfrom django.db import migrations, models\n", "Its import."),
    ],
    notes=["Not a circular dependency: Django drops same-app __first__ dependencies (MigrationLoader.check_key)."],
)
