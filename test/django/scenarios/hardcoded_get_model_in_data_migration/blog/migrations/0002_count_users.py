from django.db import migrations


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
