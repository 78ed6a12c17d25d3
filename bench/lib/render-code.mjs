// Everything that is not models or migrations: apps.py, admin, views, serializers, services, tasks,
// tests, management commands, the settings package, manage.py, shared libraries and scripts.
// Ordinary Python that a checker of swappable models should skip cheaply, with enough Django in it
// (imports of models, `ForeignKey` in strings, `settings.` reads) to defeat a naive text filter.

import { ADJECTIVES, VERBS, camel, snake } from './names.mjs';
import { hashOf } from './render-django.mjs';

const q = (app) => (app.quote === 'single' ? "'" : '"');

function liveModels(app) {
  return app.models.filter((m) => !m.abstract);
}

function liveFields(model) {
  return model.fields.filter((f) => !f.removed);
}

function scalarNames(model) {
  return liveFields(model)
    .filter((f) => f.kind === 'scalar')
    .map((f) => f.name);
}

// ---- per app -----------------------------------------------------------------------------------------

export function renderInit(app) {
  if (app.t0 < Date.UTC(2020, 0, 1) && hashOf(app.label) % 3 === 0) return `default_app_config = ${q(app)}${app.module}.apps.${app.configClass}${q(app)}\n`;
  return '';
}

export function renderAppsPy(app) {
  const Q = q(app);
  const lines = ['from django.apps import AppConfig', 'from django.utils.translation import gettext_lazy as _', '', '', `class ${app.configClass}(AppConfig):`];
  lines.push(`    default_auto_field = ${Q}django.db.models.BigAutoField${Q}`);
  lines.push(`    name = ${Q}${app.module}${Q}`);
  if (app.label !== app.name) lines.push(`    label = ${Q}${app.label}${Q}`);
  lines.push(`    verbose_name = _(${Q}${camel(app.name).replace(/([a-z])([A-Z])/g, '$1 $2')}${Q})`);
  if (app.hasSignals) lines.push('', '    def ready(self):', '        from . import signals  # noqa: F401');
  return lines.join('\n') + '\n';
}

export function renderAdmin(app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['from django.contrib import admin', '', `from .models import ${models.map((m) => m.name).join(', ')}`, ''];
  for (const m of models) {
    const scalars = scalarNames(m).slice(0, 4);
    const relations = liveFields(m).filter((f) => f.kind === 'relation' && f.cls !== 'ManyToManyField');
    lines.push('', `@admin.register(${m.name})`, `class ${m.name}Admin(admin.ModelAdmin):`);
    lines.push(`    list_display = (${['id', ...scalars].map((s) => `${Q}${s}${Q}`).join(', ')})`);
    const filters = scalarNames(m).filter((n) => n.startsWith('is_') || /status|kind|visibility|priority/.test(n));
    if (filters.length) lines.push(`    list_filter = (${filters.map((s) => `${Q}${s}${Q}`).join(', ')},)`);
    const search = scalarNames(m).filter((n) => /name|title|code|reference|email|label/.test(n));
    if (search.length) lines.push(`    search_fields = (${search.map((s) => `${Q}${s}${Q}`).join(', ')},)`);
    if (relations.length) lines.push(`    raw_id_fields = (${relations.map((f) => `${Q}${f.name}${Q}`).join(', ')},)`);
    if (m.base === 'TimeStampedModel' || m.base === 'LocalBase') lines.push(`    readonly_fields = (${Q}created_at${Q}, ${Q}updated_at${Q})`);
    lines.push(`    list_per_page = ${[25, 50, 100][hashOf(m.name) % 3]}`);
  }
  return lines.join('\n') + '\n';
}

export function renderSerializers(rng, app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['from django.utils.translation import gettext_lazy as _', 'from rest_framework import serializers', '', `from .models import ${models.map((m) => m.name).join(', ')}`, ''];
  for (const m of models) {
    const fields = liveFields(m);
    lines.push('', `class ${m.name}Serializer(serializers.ModelSerializer):`);
    for (const f of fields.filter((f) => f.kind === 'relation').slice(0, 2)) {
      lines.push(`    ${f.name} = serializers.PrimaryKeyRelatedField(read_only=True${f.cls === 'ManyToManyField' ? ', many=True' : ''})  # ${f.cls} on the model`);
    }
    lines.push('', '    class Meta:', `        model = ${m.name}`, `        fields = [${['id', ...fields.map((f) => f.name)].map((n) => `${Q}${n}${Q}`).join(', ')}]`);
    lines.push(`        read_only_fields = [${Q}id${Q}]`);
    for (const f of fields.filter((f) => f.kind === 'scalar').slice(0, rng.int(1, 3))) {
      lines.push('', `    def validate_${f.name}(self, value):`);
      lines.push(`        if value in (None, ${Q}${Q}) and self.instance is None:`);
      lines.push(`            raise serializers.ValidationError(_(${Q}${f.name.replace(/_/g, ' ')} is required.${Q}))`);
      lines.push('        return value');
    }
    lines.push('', '    def to_representation(self, instance):', '        data = super().to_representation(instance)');
    lines.push(`        data[${Q}display${Q}] = str(instance)`, '        return data');
    lines.push('', '', `class ${m.name}DetailSerializer(${m.name}Serializer):`, `    """${m.name} with computed, read-only fields for detail pages."""`, '');
    lines.push(`    created = serializers.SerializerMethodField()`, '', `    class Meta(${m.name}Serializer.Meta):`, `        fields = ${m.name}Serializer.Meta.fields + [${Q}created${Q}]`);
    lines.push('', '    def get_created(self, instance):', `        return getattr(instance, ${Q}created_at${Q}, None)`);
    lines.push('', '    def validate(self, attrs):', '        attrs = super().validate(attrs)');
    lines.push(`        request = self.context.get(${Q}request${Q})`);
    lines.push(`        if request is not None and not request.user.has_perm(${Q}${app.label}.change_${m.lower}${Q}):`);
    lines.push(`            raise serializers.ValidationError(_(${Q}You cannot change this ${snake(m.name).replace(/_/g, ' ')}.${Q}))`);
    lines.push('        return attrs');
  }
  return lines.join('\n') + '\n';
}

export function renderViews(rng, app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = [
    'import logging',
    '',
    ...(app.viewsImportUser ? ['from django.contrib.auth.models import User'] : []),
    'from django.db import transaction',
    'from django.shortcuts import get_object_or_404',
    'from rest_framework import permissions, status, viewsets',
    'from rest_framework.decorators import action, api_view, permission_classes',
    'from rest_framework.response import Response',
    '',
    `from . import services`,
    `from .models import ${models.map((m) => m.name).join(', ')}`,
    `from .serializers import ${models.map((m) => `${m.name}Serializer`).join(', ')}`,
    '',
    'logger = logging.getLogger(__name__)',
    '',
  ];
  for (const m of models) {
    const scalars = scalarNames(m);
    lines.push('', `class ${m.name}ViewSet(viewsets.ModelViewSet):`);
    lines.push(`    """CRUD for ${snake(m.name).replace(/_/g, ' ')}s, with a few actions of their own."""`, '');
    lines.push(`    queryset = ${m.name}.objects.all()`, `    serializer_class = ${m.name}Serializer`, '    permission_classes = [permissions.IsAuthenticated]');
    lines.push(`    filterset_fields = [${scalars.slice(0, 3).map((s) => `${Q}${s}${Q}`).join(', ')}]`);
    lines.push(`    ordering_fields = [${Q}id${Q}${scalars.slice(0, 2).map((s) => `, ${Q}${s}${Q}`).join('')}]`);
    lines.push('', '    def get_queryset(self):', '        queryset = super().get_queryset()');
    const relations = liveFields(m).filter((f) => f.kind === 'relation' && f.cls !== 'ManyToManyField');
    if (relations.length) lines.push(`        queryset = queryset.select_related(${relations.map((f) => `${Q}${f.name}${Q}`).join(', ')})`);
    lines.push(`        search = self.request.query_params.get(${Q}q${Q})`);
    lines.push('        if search:');
    lines.push(`            queryset = queryset.filter(${scalars[0] ?? 'id'}__icontains=search)`);
    lines.push('        return queryset');
    for (const verb of rng.sample(VERBS, rng.int(8, 18))) {
      lines.push('', `    @action(detail=True, methods=[${Q}post${Q}])`, `    def ${verb}(self, request, pk=None):`);
      lines.push(`        """${camel(verb)} one ${snake(m.name).replace(/_/g, ' ')}; the caller needs the change permission."""`);
      lines.push(`        if not request.user.has_perm(${Q}${app.label}.change_${m.lower}${Q}):`);
      lines.push(`            return Response({${Q}detail${Q}: ${Q}forbidden${Q}}, status=status.HTTP_403_FORBIDDEN)`);
      lines.push('        instance = self.get_object()');
      lines.push('        with transaction.atomic():');
      lines.push(`            services.${verb}_${snake(m.name)}(instance, actor=request.user)`);
      lines.push(`        logger.info(${Q}%s ${verb} by %s${Q}, instance.pk, request.user.pk)`);
      lines.push('        return Response(self.get_serializer(instance).data, status=status.HTTP_200_OK)');
    }
  }
  lines.push('', '', `@api_view([${Q}GET${Q}])`, '@permission_classes([permissions.IsAuthenticated])', 'def summary(request):');
  lines.push('    data = {');
  for (const m of models) lines.push(`        ${Q}${snake(m.name)}_count${Q}: ${m.name}.objects.count(),`);
  lines.push('    }');
  if (app.viewsImportUser) lines.push(`    data[${Q}active_users${Q}] = User.objects.filter(is_active=True).count()`);
  lines.push('    return Response(data)');
  for (const m of models) {
    const s = snake(m.name);
    lines.push('', '', `@api_view([${Q}GET${Q}])`, `def ${s}_detail(request, pk):`, `    instance = get_object_or_404(${m.name}, pk=pk)`);
    lines.push(`    return Response(${m.name}Serializer(instance, context={${Q}request${Q}: request}).data)`);
    lines.push('', '', `@api_view([${Q}GET${Q}])`, `@permission_classes([permissions.IsAdminUser])`, `def ${s}_export(request):`);
    lines.push(`    """Every ${s.replace(/_/g, ' ')} as CSV rows, newest first, at most \`limit\` of them."""`);
    lines.push(`    import csv`, `    import io`, '');
    lines.push(`    limit = min(int(request.query_params.get(${Q}limit${Q}, 1000)), 10000)`);
    lines.push(`    buffer = io.StringIO()`, `    writer = csv.writer(buffer)`);
    lines.push(`    columns = [${['id', ...scalarNames(m)].map((n) => `${Q}${n}${Q}`).join(', ')}]`);
    lines.push(`    writer.writerow(columns)`);
    lines.push(`    for row in ${m.name}.objects.order_by(${Q}-pk${Q}).values_list(*columns)[:limit]:`, `        writer.writerow(row)`);
    lines.push(`    logger.info(${Q}exported %s rows of ${s}${Q}, limit)`);
    lines.push(`    return Response({${Q}csv${Q}: buffer.getvalue()})`);
  }
  return lines.join('\n') + '\n';
}

export function renderServices(rng, app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['"""Business logic, kept out of views and models."""', '', 'import logging', 'from dataclasses import dataclass', '', 'from django.db import transaction', 'from django.utils import timezone', '', `from .models import ${models.map((m) => m.name).join(', ')}`, '', 'logger = logging.getLogger(__name__)', ''];
  for (const m of models) {
    const s = snake(m.name);
    const scalars = scalarNames(m);
    lines.push('', '@dataclass(frozen=True)', `class ${m.name}Change:`, `    """What changed on a ${s.replace(/_/g, ' ')}."""`, '');
    for (const f of scalars.slice(0, 3)) lines.push(`    ${f}: object = None`);
    if (scalars.length === 0) lines.push('    reason: str = ""');
    for (const verb of VERBS.slice(0, 8 + (hashOf(m.name) % 14))) {
      lines.push('', '', `def ${verb}_${s}(instance, actor=None, **options):`);
      lines.push(`    """${camel(verb)} one ${s.replace(/_/g, ' ')}.`, '', `    Records who did it and when; returns the updated instance. Raises ValueError when the`, `    ${s.replace(/_/g, ' ')} cannot be ${verb}ed in its current state.`, '    """');
      lines.push('    if instance.pk is None:', `        raise ValueError(${Q}cannot ${verb} an unsaved ${s.replace(/_/g, ' ')}${Q})`);
      lines.push('    with transaction.atomic():');
      lines.push(`        locked = type(instance).objects.select_for_update().get(pk=instance.pk)`);
      for (const f of scalars.slice(0, 2)) lines.push(`        if options.get(${Q}${f}${Q}) is not None:`, `            setattr(locked, ${Q}${f}${Q}, options[${Q}${f}${Q}])`);
      lines.push('        locked.save()');
      lines.push(`    logger.info(${Q}${verb} %s by %s at %s${Q}, locked.pk, getattr(actor, ${Q}pk${Q}, None), timezone.now())`);
      lines.push('    return locked');
    }
  }
  return lines.join('\n') + '\n';
}

export function renderTasks(rng, app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['from celery import shared_task', 'from django.conf import settings', 'from django.core.cache import cache', '', `from .models import ${models.map((m) => m.name).join(', ')}`, ''];
  for (const m of models) {
    for (const verb of rng.sample(VERBS, 2)) {
      lines.push('', '', `@shared_task(bind=True, max_retries=3, default_retry_delay=60)`, `def ${verb}_${snake(m.name)}_task(self, pk):`);
      lines.push(`    key = f"${app.label}:${verb}:{pk}"`);
      lines.push('    if cache.get(key):', '        return None');
      lines.push(`    instance = ${m.name}.objects.filter(pk=pk).first()`, '    if instance is None:', '        return None');
      lines.push(`    cache.set(key, 1, timeout=getattr(settings, ${Q}TASK_LOCK_SECONDS${Q}, 300))`);
      lines.push('    try:', '        instance.full_clean()', '        instance.save()', '    except Exception as exc:  # noqa: BLE001', '        raise self.retry(exc=exc)', '    return instance.pk');
    }
  }
  return lines.join('\n') + '\n';
}

export function renderUrls(app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['from django.urls import include, path', 'from rest_framework.routers import DefaultRouter', '', 'from . import views', '', `app_name = ${Q}${app.label}${Q}`, '', 'router = DefaultRouter()'];
  for (const m of models) lines.push(`router.register(r${Q}${snake(m.name)}s${Q}, views.${m.name}ViewSet, basename=${Q}${snake(m.name)}${Q})`);
  lines.push('', 'urlpatterns = [', `    path(${Q}${Q}, include(router.urls)),`, `    path(${Q}summary/${Q}, views.summary, name=${Q}summary${Q}),`, ']');
  return lines.join('\n') + '\n';
}

export function renderForms(app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['from django import forms', 'from django.utils.translation import gettext_lazy as _', '', `from .models import ${models.map((m) => m.name).join(', ')}`, ''];
  for (const m of models) {
    const scalars = scalarNames(m);
    lines.push('', `class ${m.name}Form(forms.ModelForm):`, '    class Meta:', `        model = ${m.name}`, `        fields = [${scalars.map((s) => `${Q}${s}${Q}`).join(', ')}]`);
    lines.push('', '    def clean(self):', '        cleaned = super().clean()');
    if (scalars[0]) lines.push(`        if not cleaned.get(${Q}${scalars[0]}${Q}):`, `            self.add_error(${Q}${scalars[0]}${Q}, _(${Q}This field matters.${Q}))`);
    lines.push('        return cleaned');
  }
  return lines.join('\n') + '\n';
}

export function renderSignals(app) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = ['import logging', '', 'from django.db.models.signals import post_delete, post_save', 'from django.dispatch import receiver', '', `from .models import ${models.map((m) => m.name).join(', ')}`, '', 'logger = logging.getLogger(__name__)', ''];
  for (const m of models) {
    lines.push('', `@receiver(post_save, sender=${m.name})`, `def ${snake(m.name)}_saved(sender, instance, created, **kwargs):`, '    if created:', `        logger.debug(${Q}created %s %s${Q}, sender.__name__, instance.pk)`);
    lines.push('', `@receiver(post_delete, sender=${m.name})`, `def ${snake(m.name)}_deleted(sender, instance, **kwargs):`, `    logger.debug(${Q}deleted %s %s${Q}, sender.__name__, instance.pk)`);
  }
  return lines.join('\n') + '\n';
}

export function renderCommand(rng, app, verb) {
  const Q = q(app);
  const m = liveModels(app)[0];
  return [
    'from django.core.management.base import BaseCommand, CommandError',
    'from django.db import transaction',
    '',
    `from ${app.module}.models import ${m.name}`,
    '',
    '',
    'class Command(BaseCommand):',
    `    help = ${Q}${camel(verb)} every ${snake(m.name).replace(/_/g, ' ')} (ForeignKey targets included).${Q}`,
    '',
    '    def add_arguments(self, parser):',
    `        parser.add_argument(${Q}--dry-run${Q}, action=${Q}store_true${Q})`,
    `        parser.add_argument(${Q}--limit${Q}, type=int, default=${rng.int(100, 5000)})`,
    '',
    '    def handle(self, *args, **options):',
    `        queryset = ${m.name}.objects.all()[: options[${Q}limit${Q}]]`,
    '        if not queryset.exists():',
    `            raise CommandError(${Q}nothing to ${verb}${Q})`,
    '        count = 0',
    '        with transaction.atomic():',
    '            for instance in queryset.iterator():',
    '                count += 1',
    `                if not options[${Q}dry_run${Q}]:`,
    '                    instance.save()',
    `        self.stdout.write(self.style.SUCCESS(f"${verb}: {count}"))`,
    '',
  ].join('\n');
}

export function renderTests(rng, app, kind) {
  const Q = q(app);
  const models = liveModels(app);
  const lines = [];
  if (kind === 'factories') {
    lines.push('import factory', 'from django.conf import settings', '', `from ${app.module}.models import ${models.map((m) => m.name).join(', ')}`, '');
    for (const m of models) {
      lines.push('', `class ${m.name}Factory(factory.django.DjangoModelFactory):`, '    class Meta:', `        model = ${m.name}`, '');
      for (const f of liveFields(m)) {
        if (f.kind === 'relation' && f.target.type === 'user') lines.push(`    ${f.name} = factory.SubFactory(${Q}apps.accounts.tests.factories.UserFactory${Q})`);
        else if (f.kind === 'scalar' && f.def.cls === 'CharField' && !f.def.choices) lines.push(`    ${f.name} = factory.Sequence(lambda n: f"${f.name}-{n}")`);
        else if (f.kind === 'scalar' && f.def.cls === 'EmailField') lines.push(`    ${f.name} = factory.Faker(${Q}email${Q})`);
      }
    }
    return lines.join('\n') + '\n';
  }
  const pytest = kind !== 'unittest';
  if (pytest) lines.push('import pytest', 'from django.urls import reverse', 'from rest_framework.test import APIClient', '', `from ${app.module}.models import ${models.map((m) => m.name).join(', ')}`, '', '', 'pytestmark = pytest.mark.django_db', '');
  else lines.push('from django.contrib.auth import get_user_model', 'from django.test import TestCase', '', `from .models import ${models.map((m) => m.name).join(', ')}`, '');
  for (const m of models) {
    const s = snake(m.name);
    if (pytest) {
      lines.push('', `class Test${m.name}:`);
      for (const verb of rng.sample(VERBS, rng.int(4, 10))) {
        lines.push(`    def test_${verb}_${s}(self, admin_user, django_assert_max_num_queries):`, '        client = APIClient()', '        client.force_authenticate(admin_user)');
        lines.push(`        instance = ${m.name}.objects.create()`, `        with django_assert_max_num_queries(${rng.int(3, 12)}):`);
        lines.push(`            response = client.post(reverse(${Q}${app.label}:${s}-${verb}${Q}, kwargs={${Q}pk${Q}: instance.pk}))`);
        lines.push('        assert response.status_code == 200', `        instance.refresh_from_db()`, `        assert response.json()[${Q}id${Q}] == instance.pk`, '');
      }
      for (const adjective of rng.sample(ADJECTIVES, rng.int(5, 12))) {
        lines.push(`    def test_${adjective}_${s}_is_listed(self, admin_user):`, '        client = APIClient()', '        client.force_authenticate(admin_user)');
        lines.push(`        response = client.get(reverse(${Q}${app.label}:${s}-list${Q}), {${Q}q${Q}: ${Q}${adjective}${Q}})`);
        lines.push('        assert response.status_code == 200', `        assert isinstance(response.json(), (list, dict))`, '');
        lines.push(`    def test_${adjective}_${s}_needs_authentication(self):`, '        client = APIClient()');
        lines.push(`        response = client.get(reverse(${Q}${app.label}:${s}-list${Q}), {${Q}q${Q}: ${Q}${adjective}${Q}})`);
        lines.push('        assert response.status_code in (401, 403)', '');
        lines.push(`    @pytest.mark.parametrize(${Q}limit${Q}, [1, 10, 100])`, `    def test_${adjective}_${s}_export(self, admin_user, limit):`, '        client = APIClient()', '        client.force_authenticate(admin_user)');
        lines.push(`        response = client.get(reverse(${Q}${app.label}:${s}-list${Q}), {${Q}limit${Q}: limit, ${Q}state${Q}: ${Q}${adjective}${Q}})`);
        lines.push('        assert response.status_code == 200', `        body = response.json()`, `        assert len(body.get(${Q}results${Q}, body)) <= limit`, '');
        lines.push(`    def test_${adjective}_${s}_str(self):`, `        instance = ${m.name}()`, `        assert ${m.name}.__name__ in str(instance) or str(instance) is not None`, '');
      }
    } else {
      lines.push('', `class ${m.name}Tests(TestCase):`, '    @classmethod', '    def setUpTestData(cls):', `        cls.user = get_user_model().objects.create_user(username=${Q}${s}${Q}, password=${Q}x${Q})`, '');
      for (const adjective of rng.sample(ADJECTIVES, rng.int(5, 12))) {
        lines.push(`    def test_${adjective}_${s}(self):`, `        self.assertEqual(${m.name}.objects.filter(pk=-1).count(), 0)`, `        self.assertTrue(self.user.is_active)`, '');
        lines.push(`    def test_${adjective}_${s}_admin_page(self):`, `        self.client.force_login(self.user)`, `        response = self.client.get(f"/admin/${app.label}/${m.lower}/?q=${adjective}")`, `        self.assertIn(response.status_code, (200, 302))`, '');
      }
    }
  }
  return lines.join('\n') + '\n';
}

// ---- project files ---------------------------------------------------------------------------------

export function renderManagePy() {
  return `#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
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
`;
}

export function renderBaseSettings(project) {
  const local = project.apps.map((a) => `    "${a.entry}",`).join('\n');
  return `"""
Base settings shared by every environment.

Environment-specific modules (dev, prod, test) start with \`from .base import *\`.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-benchmark-not-a-secret")

DEBUG = False

ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "corsheaders",
    "oauth2_provider",
    "django_celery_beat",
]

LOCAL_APPS = [
${local}
]

INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oauth2_provider.middleware.OAuth2TokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "app"),
        "USER": os.environ.get("POSTGRES_USER", "app"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
    }
}

AUTH_USER_MODEL = "accounts.User"

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth.Application"

OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "SCOPES": {"read": "Read scope", "write": "Write scope"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_TASK_ALWAYS_EAGER = False
TASK_LOCK_SECONDS = 300

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
`;
}

export const DEV_SETTINGS = `"""Development settings."""
from .base import *  # noqa: F401,F403

DEBUG = True

INSTALLED_APPS += ["debug_toolbar"]  # noqa: F405

MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")  # noqa: F405

INTERNAL_IPS = ["127.0.0.1"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
`;

export const PROD_SETTINGS = `"""Production settings."""
import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
`;

export const TEST_SETTINGS = `"""Test settings."""
from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
DATABASES["default"]["NAME"] = "test_app"  # noqa: F405
`;

export function renderRootUrls(project) {
  const lines = ['from django.contrib import admin', 'from django.urls import include, path', '', 'urlpatterns = [', '    path("admin/", admin.site.urls),', '    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),'];
  for (const a of project.apps) if (a.files.includes('urls.py')) lines.push(`    path("api/${a.label.replace(/_/g, '-')}/", include("${a.module}.urls")),`);
  lines.push(']');
  return lines.join('\n') + '\n';
}

export const WSGI = `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()
`;

export const ASGI = WSGI.replace(/wsgi/g, 'asgi').replace('get_asgi_application()', 'get_asgi_application()');

export const CELERY = `import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
`;

export const PYPROJECT = `[tool.black]
line-length = 88
target-version = ["py311"]

[tool.isort]
profile = "black"
known_first_party = ["apps", "config", "libs"]

[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "config.settings.test"
python_files = ["test_*.py", "tests.py"]
`;

/** A module of a shared library: plain Python, no Django. */
export function renderLibModule(rng, pkg, name, size) {
  const lines = [`"""${camel(pkg)} ${name.replace(/_/g, ' ')} helpers."""`, '', 'from __future__ import annotations', '', 'import dataclasses', 'import functools', 'import logging', 'import re', 'from typing import Any, Iterable, Iterator, Mapping', '', 'logger = logging.getLogger(__name__)', '', `_PATTERN = re.compile(r"^[a-z0-9_]{1,${rng.int(16, 128)}}$")`, `DEFAULT_LIMIT = ${rng.int(10, 1000)}`, ''];
  for (let i = 0; i < size; i++) {
    const noun = `${rng.pick(ADJECTIVES)}_${rng.pick(['item', 'record', 'chunk', 'value', 'entry', 'token', 'node', 'row'])}`;
    if (i % 3 === 0) {
      lines.push('', '@dataclasses.dataclass(frozen=True)', `class ${camel(noun)}${i}:`, `    """One ${noun.replace(/_/g, ' ')}."""`, '', '    key: str', '    value: Any = None', '    weight: float = 1.0', '');
      lines.push('    def normalized(self) -> str:', '        return self.key.strip().lower()', '');
      lines.push('    def matches(self, other: str) -> bool:', '        return bool(_PATTERN.match(other)) and other.lower() == self.normalized()', '');
    } else {
      lines.push('', `def ${rng.pick(VERBS)}_${noun}s_${i}(items: Iterable[Mapping[str, Any]], limit: int = DEFAULT_LIMIT) -> Iterator[dict]:`);
      lines.push(`    """Yield at most \`limit\` ${noun.replace(/_/g, ' ')}s, skipping malformed ones."""`);
      lines.push('    seen = set()', '    for count, item in enumerate(items):', '        if count >= limit:', '            break', '        key = str(item.get("key", "")).strip()');
      lines.push('        if not key or key in seen or not _PATTERN.match(key):', '            logger.debug("skipped %r", item)', '            continue', '        seen.add(key)', '        yield {"key": key, "value": item.get("value"), "index": count}', '');
      if (i % 2 === 0) lines.push('', '@functools.lru_cache(maxsize=256)', `def _cached_${noun}_${i}(key: str) -> str:`, '    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")', '');
    }
  }
  return lines.join('\n') + '\n';
}

export function renderScript(rng, name) {
  return [
    '#!/usr/bin/env python',
    `"""${camel(name)}: a maintenance script run by hand."""`,
    'import argparse',
    'import csv',
    'import sys',
    '',
    '',
    'def main(argv=None):',
    '    parser = argparse.ArgumentParser(description=__doc__)',
    '    parser.add_argument("path")',
    `    parser.add_argument("--limit", type=int, default=${rng.int(10, 10000)})`,
    '    args = parser.parse_args(argv)',
    '    with open(args.path, newline="") as handle:',
    '        rows = list(csv.DictReader(handle))[: args.limit]',
    '    for row in rows:',
    '        sys.stdout.write(",".join(row.values()) + "\\n")',
    '    return 0',
    '',
    '',
    'if __name__ == "__main__":',
    '    sys.exit(main())',
    '',
  ].join('\n');
}

