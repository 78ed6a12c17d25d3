// Word lists the generated project takes its names from.

export const DOMAINS = [
  'billing', 'catalog', 'crm', 'inventory', 'logistics', 'marketing', 'analytics', 'support', 'identity', 'content',
  'payments', 'scheduling', 'people', 'compliance', 'search', 'notifications', 'integrations', 'reporting', 'messaging',
  'partners', 'orders', 'pricing', 'shipping', 'warehouse', 'finance', 'legal', 'media', 'community', 'learning', 'care',
  'fleet', 'energy', 'procurement', 'risk', 'insurance', 'travel', 'events', 'research', 'sales', 'platform',
];

/** Plural nouns: app names. */
export const APP_NOUNS = [
  'invoices', 'refunds', 'ledgers', 'subscriptions', 'coupons', 'carts', 'products', 'variants', 'reviews', 'ratings',
  'wishlists', 'customers', 'leads', 'contacts', 'teams', 'projects', 'tasks', 'tickets', 'comments', 'attachments',
  'documents', 'dashboards', 'metrics', 'alerts', 'webhooks', 'devices', 'sensors', 'locations', 'addresses',
  'shipments', 'carriers', 'parcels', 'warehouses', 'stocks', 'suppliers', 'purchases', 'quotes', 'contracts',
  'campaigns', 'segments', 'newsletters', 'surveys', 'polls', 'badges', 'achievements', 'courses', 'lessons', 'quizzes',
  'grades', 'appointments', 'calendars', 'bookings', 'rooms', 'venues', 'passes', 'vouchers', 'receipts', 'payouts',
  'disputes', 'chargebacks', 'taxes', 'currencies', 'rates', 'plans', 'quotas', 'limits', 'policies', 'claims',
  'incidents', 'audits', 'checklists', 'inspections', 'assets', 'licenses', 'vendors', 'orders', 'returns', 'exchanges',
  'listings', 'auctions', 'bids', 'offers', 'promotions', 'banners', 'pages', 'articles', 'posts', 'threads', 'replies',
  'messages', 'channels', 'mailboxes', 'templates', 'forms', 'fields', 'workflows', 'approvals', 'signatures', 'exports',
  'imports', 'jobs', 'schedules', 'shifts', 'timesheets', 'expenses', 'budgets', 'forecasts', 'goals', 'reviews_cycles',
  'feedbacks', 'interviews', 'candidates', 'openings', 'departments', 'offices', 'desks', 'visitors', 'permits',
  'vehicles', 'routes', 'trips', 'drivers', 'fuel', 'meters', 'readings', 'tariffs', 'outages', 'sites', 'zones',
  'regions', 'markets', 'brands', 'collections', 'bundles', 'kits', 'recipes', 'menus', 'tables', 'reservations',
  'patients', 'visits', 'prescriptions', 'labs', 'samples', 'specimens', 'trials', 'studies', 'cohorts', 'datasets',
  'experiments', 'flags', 'rollouts', 'releases', 'builds', 'artifacts', 'deployments', 'tenants', 'workspaces',
  'invitations', 'memberships', 'roles', 'grants', 'tokens', 'sessions_log', 'consents', 'preferences', 'profiles',
  'avatars', 'galleries', 'videos', 'playlists', 'episodes', 'podcasts', 'transcripts', 'captions', 'glossaries',
  'translations', 'locales', 'holidays', 'calendars_sync', 'reminders', 'digests', 'feeds', 'followers', 'likes',
  'bookmarks', 'tags', 'labels', 'notes', 'snippets', 'macros', 'rules', 'triggers', 'actions', 'connectors', 'syncs',
];

/** Singular CamelCase nouns: model names. */
export const MODEL_NOUNS = [
  'Entry', 'Item', 'Line', 'Note', 'Log', 'Event', 'Batch', 'Rule', 'Policy', 'Setting', 'Snapshot', 'Version', 'Revision',
  'Attachment', 'Comment', 'Status', 'Assignment', 'Allocation', 'Adjustment', 'Schedule', 'Slot', 'Window', 'Period',
  'Member', 'Owner', 'Group', 'Category', 'Kind', 'Template', 'Export', 'Import', 'Job', 'Run', 'Result', 'Score',
  'Metric', 'Sample', 'Link', 'Mapping', 'Rate', 'Price', 'Discount', 'Fee', 'Charge', 'Credit', 'Debit', 'Transfer',
  'Request', 'Response', 'Approval', 'Decision', 'Reason', 'Tag', 'Label', 'Alias', 'Address', 'Contact', 'Channel',
  'Subscription', 'Notification', 'Reminder', 'Digest', 'Summary', 'Report', 'Chart', 'Widget', 'Filter', 'View',
  'Document', 'Section', 'Block', 'Field', 'Option', 'Choice', 'Answer', 'Question', 'Step', 'Stage', 'Milestone',
  'Target', 'Goal', 'Budget', 'Invoice', 'Payment', 'Receipt', 'Order', 'Shipment', 'Package', 'Container', 'Location',
];

export const FIELD_WORDS = [
  'title', 'name', 'label', 'summary', 'description', 'notes', 'reference', 'code', 'external_id', 'source', 'channel',
  'amount', 'total', 'balance', 'price', 'cost', 'quantity', 'position', 'rank', 'score', 'weight', 'duration',
  'starts_at', 'ends_at', 'expires_at', 'published_at', 'archived_at', 'due_date', 'effective_date', 'email', 'phone',
  'website', 'color', 'icon', 'country', 'currency', 'language', 'time_zone', 'metadata', 'payload', 'options', 'token',
  'checksum', 'version', 'attempts', 'retries', 'is_active', 'is_public', 'is_default', 'is_archived', 'is_verified',
  'is_locked', 'uuid', 'slug', 'ip_address', 'priority', 'status', 'kind', 'visibility', 'document', 'image', 'comment',
];

export const VERBS = [
  'sync', 'rebuild', 'refresh', 'import', 'export', 'notify', 'archive', 'purge', 'recalculate', 'reconcile', 'validate',
  'publish', 'approve', 'reject', 'assign', 'schedule', 'dispatch', 'render', 'merge', 'split', 'close', 'reopen',
];

export const ADJECTIVES = [
  'pending', 'active', 'stale', 'recent', 'open', 'closed', 'overdue', 'primary', 'default', 'latest', 'expired', 'valid',
];

export const LIB_PACKAGES = [
  'httpclient', 'dateparse', 'money', 'geo', 'pdfgen', 'csvtools', 'retry', 'cache', 'metrics', 'featureflags', 'crypto',
  'phonenumbers_ext', 'textnorm', 'imaging', 'queueing', 'storage', 'sftp', 'ldap', 'saml', 'tracing', 'jsonschema_ext',
  'xmlbuild', 'templating', 'batching', 'ratelimit', 'units', 'barcodes', 'slugify_ext', 'diffing', 'validators',
];

export function camel(snake) {
  return snake
    .split('_')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export function snake(camelName) {
  return camelName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function plural(word) {
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|ch|sh)$/.test(word)) return word + 'es';
  return word + 's';
}

export function singular(plural) {
  if (plural.endsWith('ies')) return plural.slice(0, -3) + 'y';
  if (plural.endsWith('ses') || plural.endsWith('xes') || plural.endsWith('ches')) return plural.slice(0, -2);
  if (plural.endsWith('s') && !plural.endsWith('ss')) return plural.slice(0, -1);
  return plural;
}
