/**
 * What djswap knows about Django and the reusable apps it meets most, without reading their code:
 * their apps, models, swappable settings and migration graphs. Where a virtual environment in the
 * workspace holds the real package, its files are read instead (see project.ts).
 */

/** How code names a swappable setting: `settings.AUTH_USER_MODEL`, `oauth2_settings.APPLICATION_MODEL`. */
export interface ReferenceExpression {
  /** The expression written in code, e.g. `oauth2_settings.APPLICATION_MODEL`. */
  expression: string;
  /** The object the expression starts with, as a qualified name, e.g. `oauth2_provider.settings.oauth2_settings`. */
  object: string;
  /** The attribute read from it. */
  attribute: string;
  /** The import that brings the object in. */
  importModule: string;
  importName: string;
}

export interface SwappableSpec {
  setting: string;
  defaultLabel: string;
  /** Who declares the setting, for messages. */
  declaredBy: string;
  /** The preferred expression in models and migrations written by hand. */
  reference: ReferenceExpression;
  /** Other spellings that read the same setting. */
  aliases: ReferenceExpression[];
  /** The class a project imports when it uses the default model. */
  defaultClass: string;
  /** Abstract bases a replacement is expected to subclass. */
  replacementBases: string[];
  /** The function that returns the model in force (`get_user_model`), where the package has one. */
  getter?: { module: string; name: string };
  /**
   * False when the owner app's migrations reference the setting without a swappable dependency
   * (django-oauth-toolkit): a replacement's creating migration then needs `run_before`.
   */
  ownerDeclaresDependency: boolean;
  /** Where the rules link for background. */
  docs: string;
}

const djangoSettings = (setting: string): ReferenceExpression => ({
  expression: `settings.${setting}`,
  object: 'django.conf.settings',
  attribute: setting,
  importModule: 'django.conf',
  importName: 'settings',
});

const dotSettings = (attribute: string): ReferenceExpression => ({
  expression: `oauth2_settings.${attribute}`,
  object: 'oauth2_provider.settings.oauth2_settings',
  attribute,
  importModule: 'oauth2_provider.settings',
  importName: 'oauth2_settings',
});

const DOT_DOCS = 'https://django-oauth-toolkit.readthedocs.io/en/latest/advanced_topics.html#extending-the-application-model';

function dotSpec(attribute: string, model: string, getter: string): SwappableSpec {
  return {
    setting: `OAUTH2_PROVIDER_${attribute}`,
    defaultLabel: `oauth2_provider.${model}`,
    declaredBy: 'django-oauth-toolkit',
    reference: dotSettings(attribute),
    aliases: [djangoSettings(`OAUTH2_PROVIDER_${attribute}`)],
    defaultClass: `oauth2_provider.models.${model}`,
    replacementBases: [`oauth2_provider.models.Abstract${model}`],
    getter: { module: 'oauth2_provider.models', name: getter },
    ownerDeclaresDependency: false,
    docs: DOT_DOCS,
  };
}

export const BUILTIN_SWAPPABLES: SwappableSpec[] = [
  {
    setting: 'AUTH_USER_MODEL',
    defaultLabel: 'auth.User',
    declaredBy: 'Django (django.contrib.auth)',
    reference: djangoSettings('AUTH_USER_MODEL'),
    aliases: [],
    defaultClass: 'django.contrib.auth.models.User',
    replacementBases: ['django.contrib.auth.models.AbstractUser', 'django.contrib.auth.models.AbstractBaseUser'],
    getter: { module: 'django.contrib.auth', name: 'get_user_model' },
    ownerDeclaresDependency: true,
    docs: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model',
  },
  dotSpec('APPLICATION_MODEL', 'Application', 'get_application_model'),
  dotSpec('ACCESS_TOKEN_MODEL', 'AccessToken', 'get_access_token_model'),
  dotSpec('REFRESH_TOKEN_MODEL', 'RefreshToken', 'get_refresh_token_model'),
  dotSpec('ID_TOKEN_MODEL', 'IDToken', 'get_id_token_model'),
  dotSpec('GRANT_MODEL', 'Grant', 'get_grant_model'),
  {
    setting: 'KNOX_TOKEN_MODEL',
    defaultLabel: 'knox.AuthToken',
    declaredBy: 'django-rest-knox',
    reference: {
      expression: 'knox_settings.TOKEN_MODEL',
      object: 'knox.settings.knox_settings',
      attribute: 'TOKEN_MODEL',
      importModule: 'knox.settings',
      importName: 'knox_settings',
    },
    aliases: [djangoSettings('KNOX_TOKEN_MODEL')],
    defaultClass: 'knox.models.AuthToken',
    replacementBases: ['knox.models.AbstractAuthToken'],
    ownerDeclaresDependency: true,
    docs: 'https://jazzband.github.io/django-rest-knox/settings/',
  },
  {
    setting: 'WAFFLE_FLAG_MODEL',
    defaultLabel: 'waffle.Flag',
    declaredBy: 'django-waffle',
    reference: djangoSettings('WAFFLE_FLAG_MODEL'),
    aliases: [],
    defaultClass: 'waffle.models.Flag',
    replacementBases: ['waffle.models.AbstractUserFlag', 'waffle.models.AbstractBaseFlag'],
    ownerDeclaresDependency: true,
    docs: 'https://waffle.readthedocs.io/en/stable/',
  },
  {
    setting: 'AUDITLOG_LOGENTRY_MODEL',
    defaultLabel: 'auditlog.LogEntry',
    declaredBy: 'django-auditlog',
    reference: djangoSettings('AUDITLOG_LOGENTRY_MODEL'),
    aliases: [],
    defaultClass: 'auditlog.models.LogEntry',
    replacementBases: ['auditlog.models.AbstractLogEntry'],
    ownerDeclaresDependency: true,
    docs: 'https://django-auditlog.readthedocs.io/en/latest/',
  },
  {
    setting: 'NOTIFICATIONS_NOTIFICATION_MODEL',
    defaultLabel: 'notifications.Notification',
    declaredBy: 'django-notifications-hq (swapper)',
    reference: djangoSettings('NOTIFICATIONS_NOTIFICATION_MODEL'),
    aliases: [],
    defaultClass: 'notifications.models.Notification',
    replacementBases: ['notifications.base.models.AbstractNotification'],
    ownerDeclaresDependency: true,
    docs: 'https://github.com/django-notifications/django-notifications',
  },
  {
    setting: 'FCM_DJANGO_FCMDEVICE_MODEL',
    defaultLabel: 'fcm_django.FCMDevice',
    declaredBy: 'fcm-django (swapper)',
    reference: djangoSettings('FCM_DJANGO_FCMDEVICE_MODEL'),
    aliases: [],
    defaultClass: 'fcm_django.models.FCMDevice',
    replacementBases: ['fcm_django.models.AbstractFCMDevice'],
    ownerDeclaresDependency: true,
    docs: 'https://fcm-django.readthedocs.io/en/latest/',
  },
];

/** A relation field on a known model, with its target as a label or a swappable setting. */
export interface KnownRelation {
  field: string;
  target: { label: string } | { setting: string };
  /** ForeignKey when absent. */
  kind?: 'ForeignKey' | 'OneToOneField' | 'ManyToManyField';
}

export interface KnownModel {
  name: string;
  /** Qualified names a project can import it by. */
  qualifiedNames: string[];
  abstract?: boolean;
  swappable?: string;
  /** Model-ness through inheritance: the bases given as qualified names. */
  bases?: string[];
  relations?: KnownRelation[];
  /** A user model: subclasses are custom user models. */
  userModel?: boolean;
}

export interface KnownMigration {
  name: string;
  /** `app.name`, `app.__first__`, or `setting:NAME` for a swappable dependency. */
  dependencies: string[];
  /** Models whose CreateModel is in this migration. */
  creates?: string[];
  /** Swappable settings its relation fields target (`to=`). */
  references?: string[];
  /**
   * The release of the package that added it, for migrations that change the order `migrate` applies
   * other apps' migrations in: a project on an older release does not have them.
   */
  since?: string;
  /**
   * Its model operations with relation fields, in order, where they were read from the release's file:
   * what `migrate` creates, and which models it needs to exist first.
   */
  operations?: KnownOperation[];
}

/** A CreateModel, AddField or AlterField of a known migration, with its relation fields. */
export interface KnownOperation {
  kind: 'CreateModel' | 'AddField' | 'AlterField';
  model: string;
  relations: KnownRelation[];
  /** The CreateModel's `options={"swappable": ...}`; absent when it has none. */
  swappable?: string;
}

export interface KnownApp {
  label: string;
  /** The module named in INSTALLED_APPS, and its AppConfig paths. */
  module: string;
  configs: string[];
  package: string;
  models: KnownModel[];
  /**
   * The migrations of the newest release known. Absent when only the models are known: the
   * graph then treats the app's migrations as unknown and reports nothing about them.
   */
  migrations?: KnownMigration[];
}

const chain = (app: string, names: string[], extra: Record<string, Partial<KnownMigration>> = {}): KnownMigration[] =>
  names.map((name, i) => {
    const more = extra[name] ?? {};
    const previous = i === 0 ? [] : [`${app}.${names[i - 1]}`];
    return { ...more, name, dependencies: [...previous, ...(more.dependencies ?? [])] };
  });

const AUTH_MODELS = 'django.contrib.auth.models';

const dotRelation = (field: string, setting: string): KnownRelation => ({ field, target: { setting } });
const abstractUserRelations: KnownRelation[] = [
  { field: 'groups', target: { label: 'auth.Group' }, kind: 'ManyToManyField' },
  { field: 'user_permissions', target: { label: 'auth.Permission' }, kind: 'ManyToManyField' },
];

export const BUILTIN_APPS: KnownApp[] = [
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
  {
    label: 'oauth2_provider',
    module: 'oauth2_provider',
    configs: ['oauth2_provider.apps.DOTConfig'],
    package: 'django-oauth-toolkit',
    models: [
      ...(
        [
          ['Application', 'APPLICATION_MODEL', [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }]],
          [
            'AccessToken',
            'ACCESS_TOKEN_MODEL',
            [
              { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
              { field: 'application', target: { setting: 'OAUTH2_PROVIDER_APPLICATION_MODEL' } },
              { field: 'source_refresh_token', target: { setting: 'OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL' } },
              { field: 'id_token', target: { setting: 'OAUTH2_PROVIDER_ID_TOKEN_MODEL' } },
            ],
          ],
          [
            'RefreshToken',
            'REFRESH_TOKEN_MODEL',
            [
              { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
              { field: 'application', target: { setting: 'OAUTH2_PROVIDER_APPLICATION_MODEL' } },
              { field: 'access_token', target: { setting: 'OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL' } },
            ],
          ],
          [
            'IDToken',
            'ID_TOKEN_MODEL',
            [
              { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
              { field: 'application', target: { setting: 'OAUTH2_PROVIDER_APPLICATION_MODEL' } },
            ],
          ],
          [
            'Grant',
            'GRANT_MODEL',
            [
              { field: 'user', target: { setting: 'AUTH_USER_MODEL' } },
              { field: 'application', target: { setting: 'OAUTH2_PROVIDER_APPLICATION_MODEL' } },
            ],
          ],
        ] as [string, string, KnownRelation[]][]
      ).flatMap(([name, attribute, relations]): KnownModel[] => [
        { name: `Abstract${name}`, qualifiedNames: [`oauth2_provider.models.Abstract${name}`], abstract: true, relations },
        {
          name,
          qualifiedNames: [`oauth2_provider.models.${name}`],
          swappable: `OAUTH2_PROVIDER_${attribute}`,
          bases: [`oauth2_provider.models.Abstract${name}`],
          relations,
        },
      ]),
    ],
    migrations: chain(
      'oauth2_provider',
      [
        '0001_initial',
        '0002_auto_20190406_1805',
        '0003_auto_20201211_1314',
        '0004_auto_20200902_2022',
        '0005_auto_20211222_2352',
        '0006_alter_application_client_secret',
        '0007_application_post_logout_redirect_uris',
        '0008_alter_accesstoken_token',
        '0009_add_hash_client_secret',
        '0010_application_allowed_origins',
        '0011_refreshtoken_token_family',
        '0012_add_token_checksum',
      ],
      {
        '0001_initial': {
          dependencies: ['setting:AUTH_USER_MODEL'],
          creates: ['Application', 'AccessToken', 'Grant', 'RefreshToken'],
          references: [
            'AUTH_USER_MODEL',
            'OAUTH2_PROVIDER_APPLICATION_MODEL',
            'OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL',
            'OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL',
          ],
          operations: [
            { kind: 'CreateModel', model: 'Application', relations: [dotRelation('user', 'AUTH_USER_MODEL')], swappable: 'OAUTH2_PROVIDER_APPLICATION_MODEL' },
            {
              kind: 'CreateModel',
              model: 'AccessToken',
              relations: [dotRelation('application', 'OAUTH2_PROVIDER_APPLICATION_MODEL'), dotRelation('user', 'AUTH_USER_MODEL')],
              swappable: 'OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL',
            },
            {
              kind: 'CreateModel',
              model: 'Grant',
              relations: [dotRelation('application', 'OAUTH2_PROVIDER_APPLICATION_MODEL'), dotRelation('user', 'AUTH_USER_MODEL')],
              swappable: 'OAUTH2_PROVIDER_GRANT_MODEL',
            },
            {
              kind: 'CreateModel',
              model: 'RefreshToken',
              relations: [
                dotRelation('access_token', 'OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL'),
                dotRelation('application', 'OAUTH2_PROVIDER_APPLICATION_MODEL'),
                dotRelation('user', 'AUTH_USER_MODEL'),
              ],
              swappable: 'OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL',
            },
            { kind: 'AddField', model: 'AccessToken', relations: [dotRelation('source_refresh_token', 'OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL')] },
          ],
        },
        '0004_auto_20200902_2022': {
          dependencies: ['setting:AUTH_USER_MODEL'],
          creates: ['IDToken'],
          references: ['AUTH_USER_MODEL', 'OAUTH2_PROVIDER_APPLICATION_MODEL', 'OAUTH2_PROVIDER_ID_TOKEN_MODEL'],
          operations: [
            {
              kind: 'CreateModel',
              model: 'IDToken',
              relations: [dotRelation('application', 'OAUTH2_PROVIDER_APPLICATION_MODEL'), dotRelation('user', 'AUTH_USER_MODEL')],
              swappable: 'OAUTH2_PROVIDER_ID_TOKEN_MODEL',
            },
            { kind: 'AddField', model: 'AccessToken', relations: [dotRelation('id_token', 'OAUTH2_PROVIDER_ID_TOKEN_MODEL')] },
          ],
        },
        '0005_auto_20211222_2352': {
          dependencies: ['setting:AUTH_USER_MODEL'],
          references: ['AUTH_USER_MODEL'],
          operations: ['AccessToken', 'Application', 'Grant', 'IDToken', 'RefreshToken'].map((model) => ({ kind: 'AlterField' as const, model, relations: [dotRelation('user', 'AUTH_USER_MODEL')] })),
        },
        '0011_refreshtoken_token_family': { dependencies: ['setting:OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL'], since: '3.0.0' },
        '0012_add_token_checksum': { dependencies: ['setting:OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL'], since: '3.0.0' },
      },
    ),
  },
  {
    label: 'knox',
    module: 'knox',
    configs: ['knox.apps.KnoxConfig'],
    package: 'django-rest-knox',
    models: [
      { name: 'AbstractAuthToken', qualifiedNames: ['knox.models.AbstractAuthToken'], abstract: true, relations: [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }] },
      {
        name: 'AuthToken',
        qualifiedNames: ['knox.models.AuthToken'],
        swappable: 'KNOX_TOKEN_MODEL',
        bases: ['knox.models.AbstractAuthToken'],
        relations: [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }],
      },
    ],
    migrations: chain(
      'knox',
      [
        '0001_initial',
        '0002_auto_20150916_1425',
        '0003_auto_20150916_1526',
        '0004_authtoken_expires',
        '0005_authtoken_token_key',
        '0006_auto_20160818_0932',
        '0007_auto_20190111_0542',
        '0008_remove_authtoken_salt',
        '0009_extend_authtoken_field',
      ],
      { '0001_initial': { dependencies: ['setting:AUTH_USER_MODEL', 'setting:KNOX_TOKEN_MODEL'], creates: ['AuthToken'], references: ['AUTH_USER_MODEL'] } },
    ),
  },
  {
    label: 'authtoken',
    module: 'rest_framework.authtoken',
    configs: ['rest_framework.authtoken.apps.AuthTokenConfig'],
    package: 'djangorestframework',
    models: [
      { name: 'Token', qualifiedNames: ['rest_framework.authtoken.models.Token'], relations: [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }] },
    ],
    migrations: chain('authtoken', ['0001_initial', '0002_auto_20160226_1747', '0003_tokenproxy', '0004_alter_tokenproxy_options'], {
      '0001_initial': {
        dependencies: ['setting:AUTH_USER_MODEL'],
        creates: ['Token'],
        references: ['AUTH_USER_MODEL'],
        operations: [{ kind: 'CreateModel', model: 'Token', relations: [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }] }],
      },
      '0002_auto_20160226_1747': {
        references: ['AUTH_USER_MODEL'],
        operations: [{ kind: 'AlterField', model: 'Token', relations: [{ field: 'user', target: { setting: 'AUTH_USER_MODEL' } }] }],
      },
    }),
  },
  {
    label: 'waffle',
    module: 'waffle',
    configs: ['waffle.apps.WaffleConfig'],
    package: 'django-waffle',
    models: [
      { name: 'AbstractBaseFlag', qualifiedNames: ['waffle.models.AbstractBaseFlag'], abstract: true },
      { name: 'AbstractUserFlag', qualifiedNames: ['waffle.models.AbstractUserFlag'], abstract: true, bases: ['waffle.models.AbstractBaseFlag'] },
      { name: 'Flag', qualifiedNames: ['waffle.models.Flag'], swappable: 'WAFFLE_FLAG_MODEL', bases: ['waffle.models.AbstractUserFlag'] },
      { name: 'Switch', qualifiedNames: ['waffle.models.Switch'] },
      { name: 'Sample', qualifiedNames: ['waffle.models.Sample'] },
    ],
    // django-waffle 3.0's: no CreateModel has the swappable option, so waffle_flag is created whatever
    // WAFFLE_FLAG_MODEL says.
    migrations: chain('waffle', ['0001_initial', '0002_auto_20161201_0958', '0003_update_strings_for_i18n', '0004_update_everyone_nullbooleanfield'], {
      '0001_initial': {
        dependencies: ['auth.0001_initial', 'setting:AUTH_USER_MODEL'],
        creates: ['Flag', 'Sample', 'Switch'],
        references: ['AUTH_USER_MODEL'],
        operations: [
          {
            kind: 'CreateModel',
            model: 'Flag',
            relations: [
              { field: 'groups', target: { label: 'auth.Group' }, kind: 'ManyToManyField' },
              { field: 'users', target: { setting: 'AUTH_USER_MODEL' }, kind: 'ManyToManyField' },
            ],
          },
          { kind: 'CreateModel', model: 'Sample', relations: [] },
          { kind: 'CreateModel', model: 'Switch', relations: [] },
        ],
      },
    }),
  },
  {
    label: 'auditlog',
    module: 'auditlog',
    configs: ['auditlog.apps.AuditlogConfig'],
    package: 'django-auditlog',
    models: [
      { name: 'AbstractLogEntry', qualifiedNames: ['auditlog.models.AbstractLogEntry'], abstract: true },
      { name: 'LogEntry', qualifiedNames: ['auditlog.models.LogEntry'], swappable: 'AUDITLOG_LOGENTRY_MODEL', bases: ['auditlog.models.AbstractLogEntry'] },
    ],
  },
  {
    label: 'notifications',
    module: 'notifications',
    configs: ['notifications.apps.Config'],
    package: 'django-notifications-hq',
    models: [
      { name: 'AbstractNotification', qualifiedNames: ['notifications.base.models.AbstractNotification'], abstract: true },
      {
        name: 'Notification',
        qualifiedNames: ['notifications.models.Notification'],
        swappable: 'NOTIFICATIONS_NOTIFICATION_MODEL',
        bases: ['notifications.base.models.AbstractNotification'],
      },
    ],
  },
  {
    label: 'fcm_django',
    module: 'fcm_django',
    configs: ['fcm_django.apps.FcmDjangoConfig'],
    package: 'fcm-django',
    models: [
      { name: 'AbstractFCMDevice', qualifiedNames: ['fcm_django.models.AbstractFCMDevice'], abstract: true },
      { name: 'FCMDevice', qualifiedNames: ['fcm_django.models.FCMDevice'], swappable: 'FCM_DJANGO_FCMDEVICE_MODEL', bases: ['fcm_django.models.AbstractFCMDevice'] },
    ],
  },
];

/** Qualified names of Django's model base class. */
export const MODEL_BASES = new Set(['django.db.models.Model', 'django.db.models.base.Model']);

/** Relation field classes by qualified name, and the kind Django gives them. */
export const RELATION_FIELDS: Record<string, 'ForeignKey' | 'OneToOneField' | 'ManyToManyField'> = {
  'django.db.models.ForeignKey': 'ForeignKey',
  'django.db.models.OneToOneField': 'OneToOneField',
  'django.db.models.ManyToManyField': 'ManyToManyField',
  'django.db.models.fields.related.ForeignKey': 'ForeignKey',
  'django.db.models.fields.related.OneToOneField': 'OneToOneField',
  'django.db.models.fields.related.ManyToManyField': 'ManyToManyField',
  'mptt.fields.TreeForeignKey': 'ForeignKey',
  'mptt.fields.TreeOneToOneField': 'OneToOneField',
  'mptt.fields.TreeManyToManyField': 'ManyToManyField',
  'modelcluster.fields.ParentalKey': 'ForeignKey',
  'modelcluster.fields.ParentalManyToManyField': 'ManyToManyField',
  'annoying.fields.AutoOneToOneField': 'OneToOneField',
};

export const APP_CONFIG_BASES = new Set(['django.apps.AppConfig', 'django.apps.config.AppConfig']);

export const GET_USER_MODEL = new Set(['django.contrib.auth.get_user_model']);

export function builtinAppByLabel(label: string): KnownApp | undefined {
  return BUILTIN_APPS.find((a) => a.label === label);
}

/**
 * The known app an installed app is: same label and same package. A project's own app may share a
 * label with a known package (taiga's `taiga.projects.notifications` is labelled `notifications`).
 */
export function builtinAppFor(label: string, module: string): KnownApp | undefined {
  const known = builtinAppByLabel(label);
  return known && known.module === module ? known : undefined;
}

/** The known app an INSTALLED_APPS entry names, by module or AppConfig path. */
export function builtinAppForEntry(entry: string): KnownApp | undefined {
  return BUILTIN_APPS.find((a) => a.module === entry || a.configs.includes(entry));
}

export function builtinSwappable(setting: string): SwappableSpec | undefined {
  return BUILTIN_SWAPPABLES.find((s) => s.setting === setting);
}

/** Every expression that reads a swappable setting, by the qualified name of its object + attribute. */
export function settingForReference(object: string, attribute: string): string | undefined {
  if (object === 'django.conf.settings') return attribute;
  for (const spec of BUILTIN_SWAPPABLES) {
    for (const ref of [spec.reference, ...spec.aliases]) {
      if (ref.object === object && ref.attribute === attribute) return spec.setting;
    }
  }
  return undefined;
}
