/** The swappable settings djswap knows without reading code: Django's and those of reusable apps it meets most. */

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
