"""What the plan tier asks of a Django project, run with the tier's interpreter in the project folder.

    python runner.py seed [--tag T]            insert rows: users with groups and permissions, orders,
                                                admin log entries, OAuth applications and tokens, things
    python runner.py snapshot SETTING DEFAULT   every row of every table, the foreign keys, and the
                                                content type of the model SETTING names, as JSON
    python runner.py integrity                  the foreign keys hold (SQLite: foreign_key_check)
    python runner.py sql FILE < statements.json run statements on a SQLite file (stdlib sqlite3 only)

Only the standard library and Django; `sql` does not even import Django, like `dbshell`.
"""

import datetime
import decimal
import json
import os
import sys
import uuid


def setup():
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def swapped_model(setting, default):
    from django.apps import apps
    from django.conf import settings

    label = getattr(settings, setting, None)
    if label is None and setting.startswith("OAUTH2_PROVIDER_"):
        from oauth2_provider.settings import oauth2_settings

        label = getattr(oauth2_settings, setting[len("OAUTH2_PROVIDER_"):])
    return apps.get_model(label or default)


def seed(tag):
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    User = get_user_model()
    user_type = ContentType.objects.get_for_model(User)
    group, _ = Group.objects.get_or_create(name="staff" + tag)
    Order = apps.get_model("shop", "Order")
    group.permissions.add(Permission.objects.get(content_type=ContentType.objects.get_for_model(Order), codename="view_order"))
    change_user = Permission.objects.get(content_type=user_type, codename="change_" + User._meta.model_name)
    things = []
    if apps.is_installed("catalog"):
        from django.conf import settings

        Thing = apps.get_model(settings.CATALOG_THING_MODEL)
        things = [Thing.objects.create(name="thing %s%d" % (tag, i)) for i in range(2)]
    users = []
    for i in range(3):
        user = User.objects.create_user("user%s%d" % (tag, i), email="u%d@example.com" % i, password="x")
        user.groups.add(group)
        user.user_permissions.add(change_user)
        users.append(user)
        fields = {"user": user, "note": "order %s%d" % (tag, i)}
        if things:
            fields["thing"] = things[i % len(things)]
        Order.objects.create(**fields)
    User.objects.create_superuser("admin" + tag, "admin@example.com", "x")
    if apps.is_installed("django.contrib.admin"):
        from django.contrib.admin.models import ADDITION, LogEntry

        for user in users:
            LogEntry.objects.create(user=user, content_type=user_type, object_id=str(user.pk), object_repr=str(user), action_flag=ADDITION)
    if apps.is_installed("oauth2_provider"):
        from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model, get_refresh_token_model

        Application = get_application_model()
        application_type = ContentType.objects.get_for_model(Application)
        for n, user in enumerate(users[:2]):
            application = Application.objects.create(
                name="app %s%d" % (tag, n),
                user=user,
                client_type="confidential",
                authorization_grant_type="authorization-code",
                redirect_uris="https://example.com/callback",
            )
            expires = timezone.now() + datetime.timedelta(days=1)
            token = get_access_token_model().objects.create(user=user, application=application, token="access-%s%d" % (tag, n), expires=expires, scope="read")
            get_refresh_token_model().objects.create(user=user, application=application, token="refresh-%s%d" % (tag, n), access_token=token)
            get_grant_model().objects.create(user=user, application=application, code="code-%s%d" % (tag, n), expires=expires, redirect_uri="https://example.com/callback")
            if apps.is_installed("django.contrib.admin"):
                LogEntry.objects.create(user=user, content_type=application_type, object_id=str(application.pk), object_repr=str(application), action_flag=ADDITION)
            user.user_permissions.add(Permission.objects.get(content_type=application_type, codename="change_" + Application._meta.model_name))
    print(json.dumps({"users": User.objects.count()}))


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def snapshot(setting, default):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    tables = {}
    foreign_keys = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute("SELECT %s FROM %s" % (quoted, connection.ops.quote_name(table)))
            rows = sorted((tuple(plain(v) for v in row) for row in cursor.fetchall()), key=repr)
            tables[table] = {"columns": columns, "rows": [list(r) for r in rows]}
            for name, constraint in connection.introspection.get_constraints(cursor, table).items():
                if constraint.get("foreign_key"):
                    target, target_column = constraint["foreign_key"]
                    foreign_keys.append([table, constraint["columns"][0], target, target_column])
    model = swapped_model(setting, default)
    content_type = ContentType.objects.get_for_model(model)
    permissions = sorted(content_type.permission_set.values_list("pk", flat=True))
    print(json.dumps({
        "model": model._meta.label,
        "table": model._meta.db_table,
        "contentType": content_type.pk,
        "permissions": permissions,
        "tables": tables,
        "foreignKeys": sorted(foreign_keys),
    }))


def integrity():
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            problems = [list(row) for row in cursor.fetchall()]
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")
            problems = [list(row) for row in cursor.fetchall()]
    print(json.dumps({"problems": problems}))


def sql(database):
    import sqlite3

    statements = json.load(sys.stdin)
    with sqlite3.connect(database) as connection:
        for statement in statements:
            connection.execute(statement)
    print(json.dumps({"executed": len(statements)}))


def main(argv):
    command = argv[1]
    if command == "sql":
        return sql(argv[2])
    setup()
    if command == "seed":
        return seed(argv[3] if len(argv) > 3 and argv[2] == "--tag" else "")
    if command == "snapshot":
        return snapshot(argv[2], argv[3])
    if command == "integrity":
        return integrity()
    raise SystemExit("unknown command %s" % command)


if __name__ == "__main__":
    main(sys.argv)
