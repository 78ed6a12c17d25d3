/** Reusable packages djswap knows (django-oauth-toolkit, knox, DRF's authtoken, waffle, ...): models and migration graphs. */
import type { KnownApp, KnownModel, KnownRelation } from './known-apps';
import { AUTH_MODELS, abstractUserRelations, chain, dotRelation } from './known-migration-chain';

export const PACKAGE_APPS: KnownApp[] = [
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
