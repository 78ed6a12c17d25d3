/** Django's contrib apps as djswap knows them: models, swappable settings and migration graphs. */
import type { KnownApp } from './known-apps';
import { AUTH_MODELS, abstractUserRelations, chain } from './known-migration-chain';

export const DJANGO_CONTRIB_APPS: KnownApp[] = [
  {
    label: 'contenttypes',
    module: 'django.contrib.contenttypes',
    configs: ['django.contrib.contenttypes.apps.ContentTypesConfig'],
    package: 'Django',
    models: [{ name: 'ContentType', qualifiedNames: ['django.contrib.contenttypes.models.ContentType'] }],
    migrations: chain('contenttypes', ['0001_initial', '0002_remove_content_type_name'], { '0001_initial': { creates: ['ContentType'] } }),
  },
  {
    label: 'auth',
    module: 'django.contrib.auth',
    configs: ['django.contrib.auth.apps.AuthConfig'],
    package: 'Django',
    models: [
      { name: 'Permission', qualifiedNames: [`${AUTH_MODELS}.Permission`], relations: [{ field: 'content_type', target: { label: 'contenttypes.ContentType' } }] },
      { name: 'Group', qualifiedNames: [`${AUTH_MODELS}.Group`], relations: [{ field: 'permissions', target: { label: 'auth.Permission' } }] },
      {
        name: 'AbstractBaseUser',
        qualifiedNames: [`${AUTH_MODELS}.AbstractBaseUser`, 'django.contrib.auth.base_user.AbstractBaseUser'],
        abstract: true,
        userModel: true,
      },
      { name: 'PermissionsMixin', qualifiedNames: [`${AUTH_MODELS}.PermissionsMixin`], abstract: true, relations: abstractUserRelations },
      {
        name: 'AbstractUser',
        qualifiedNames: [`${AUTH_MODELS}.AbstractUser`],
        abstract: true,
        userModel: true,
        bases: [`${AUTH_MODELS}.AbstractBaseUser`, `${AUTH_MODELS}.PermissionsMixin`],
        relations: abstractUserRelations,
      },
      {
        name: 'User',
        qualifiedNames: [`${AUTH_MODELS}.User`],
        swappable: 'AUTH_USER_MODEL',
        bases: [`${AUTH_MODELS}.AbstractUser`],
        relations: abstractUserRelations,
      },
    ],
    migrations: chain(
      'auth',
      [
        '0001_initial',
        '0002_alter_permission_name_max_length',
        '0003_alter_user_email_max_length',
        '0004_alter_user_username_opts',
        '0005_alter_user_last_login_null',
        '0006_require_contenttypes_0002',
        '0007_alter_validators_add_error_messages',
        '0008_alter_user_username_max_length',
        '0009_alter_user_last_name_max_length',
        '0010_alter_group_name_max_length',
        '0011_update_proxy_permissions',
        '0012_alter_user_first_name_max_length',
      ],
      {
        '0001_initial': {
          dependencies: ['contenttypes.__first__'],
          creates: ['Permission', 'Group', 'User'],
          operations: [
            { kind: 'CreateModel', model: 'Permission', relations: [{ field: 'content_type', target: { label: 'contenttypes.ContentType' } }] },
            { kind: 'CreateModel', model: 'Group', relations: [{ field: 'permissions', target: { label: 'auth.Permission' }, kind: 'ManyToManyField' }] },
            { kind: 'CreateModel', model: 'User', relations: abstractUserRelations, swappable: 'AUTH_USER_MODEL' },
          ],
        },
        '0006_require_contenttypes_0002': { dependencies: ['contenttypes.0002_remove_content_type_name'] },
        '0011_update_proxy_permissions': { dependencies: ['contenttypes.0002_remove_content_type_name'] },
      },
    ),
  },
  {
    label: 'admin',
    module: 'django.contrib.admin',
    configs: ['django.contrib.admin.apps.AdminConfig', 'django.contrib.admin.apps.SimpleAdminConfig'],
    package: 'Django',
    models: [
      {
        name: 'LogEntry',
        qualifiedNames: ['django.contrib.admin.models.LogEntry'],
        relations: [
          { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
          { field: 'content_type', target: { label: 'contenttypes.ContentType' } },
        ],
      },
    ],
    migrations: chain('admin', ['0001_initial', '0002_logentry_remove_auto_add', '0003_logentry_add_action_flag_choices'], {
      '0001_initial': {
        dependencies: ['setting:AUTH_USER_MODEL', 'contenttypes.__first__'],
        creates: ['LogEntry'],
        references: ['AUTH_USER_MODEL'],
        operations: [
          {
            kind: 'CreateModel',
            model: 'LogEntry',
            relations: [
              { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
              { field: 'content_type', target: { label: 'contenttypes.ContentType' } },
            ],
          },
        ],
      },
    }),
  },
  {
    label: 'sessions',
    module: 'django.contrib.sessions',
    configs: ['django.contrib.sessions.apps.SessionsConfig'],
    package: 'Django',
    models: [{ name: 'Session', qualifiedNames: ['django.contrib.sessions.models.Session'] }],
    migrations: [{ name: '0001_initial', dependencies: [], creates: ['Session'] }],
  },
  { label: 'messages', module: 'django.contrib.messages', configs: ['django.contrib.messages.apps.MessagesConfig'], package: 'Django', models: [], migrations: [] },
  { label: 'staticfiles', module: 'django.contrib.staticfiles', configs: ['django.contrib.staticfiles.apps.StaticFilesConfig'], package: 'Django', models: [], migrations: [] },
  { label: 'humanize', module: 'django.contrib.humanize', configs: ['django.contrib.humanize.apps.HumanizeConfig'], package: 'Django', models: [], migrations: [] },
  { label: 'sitemaps', module: 'django.contrib.sitemaps', configs: ['django.contrib.sitemaps.apps.SiteMapsConfig'], package: 'Django', models: [], migrations: [] },
  { label: 'postgres', module: 'django.contrib.postgres', configs: ['django.contrib.postgres.apps.PostgresConfig'], package: 'Django', models: [], migrations: [] },
  { label: 'gis', module: 'django.contrib.gis', configs: ['django.contrib.gis.apps.GISConfig'], package: 'Django', models: [], migrations: [] },
  {
    label: 'sites',
    module: 'django.contrib.sites',
    configs: ['django.contrib.sites.apps.SitesConfig'],
    package: 'Django',
    models: [{ name: 'Site', qualifiedNames: ['django.contrib.sites.models.Site'] }],
    migrations: chain('sites', ['0001_initial', '0002_alter_domain_unique'], { '0001_initial': { creates: ['Site'] } }),
  },
  {
    label: 'flatpages',
    module: 'django.contrib.flatpages',
    configs: ['django.contrib.flatpages.apps.FlatPagesConfig'],
    package: 'Django',
    models: [{ name: 'FlatPage', qualifiedNames: ['django.contrib.flatpages.models.FlatPage'], relations: [{ field: 'sites', target: { label: 'sites.Site' } }] }],
    migrations: [{ name: '0001_initial', dependencies: ['sites.0001_initial'], creates: ['FlatPage'] }],
  },
  {
    label: 'redirects',
    module: 'django.contrib.redirects',
    configs: ['django.contrib.redirects.apps.RedirectsConfig'],
    package: 'Django',
    models: [{ name: 'Redirect', qualifiedNames: ['django.contrib.redirects.models.Redirect'], relations: [{ field: 'site', target: { label: 'sites.Site' } }] }],
    migrations: chain('redirects', ['0001_initial', '0002_alter_redirect_new_path_help_text'], {
      '0001_initial': { dependencies: ['sites.0001_initial'], creates: ['Redirect'] },
    }),
  },
];
