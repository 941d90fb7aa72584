import type { RouteOutcome } from '../../http/define-route.js';

/** The kinds of resource the audit trail records. */
export const AUDIT_RESOURCES = ['experiment', 'batch_experiment', 'dataset', 'user'] as const;
export type AuditResource = (typeof AUDIT_RESOURCES)[number];

/** How one route's success becomes an audit row. */
export interface AuditRule {
  resource: AuditResource;
  action: string | ((o: RouteOutcome) => string);
  /** The resource's id; default `params.id`. */
  id?: (o: RouteOutcome) => unknown;
  /** Field names the request changed; default the request body's (validated) top-level keys. */
  fields?: (o: RouteOutcome) => string[];
  /** Extra ids worth keeping (never values a user typed), merged into `changes`. */
  extra?: (o: RouteOutcome) => Record<string, unknown>;
  /** A success that changed nothing (e.g. revoking a key that did not exist): no entry. */
  unchanged?: (o: RouteOutcome) => boolean;
}

/** Reads `data.a.b…` from a handler's answer. */
function dataAt(o: RouteOutcome, ...path: string[]): unknown {
  let value: unknown = o.data;
  for (const key of path) {
    value =
      value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

const self = (o: RouteOutcome) => o.auth?.userId;
const param = (name: string) => (o: RouteOutcome) => (o.params as Record<string, unknown>)[name];

/**
 * Every audited route, keyed `method path` as the routes declare them. One table rather than
 * calls sprinkled through services: a route added later is audited by adding a line here,
 * and the feature modules stay unaware of auditing.
 */
export const AUDIT_RULES: Readonly<Record<string, AuditRule>> = {
  'post /auth/register': {
    resource: 'user',
    action: 'register',
    id: (o) => dataAt(o, 'user', 'id'),
    fields: () => ['username', 'email', 'password', 'full_name'],
  },
  'put /auth/password': {
    resource: 'user',
    action: 'password_change',
    id: self,
    fields: () => ['password'],
  },
  'post /auth/api-key': {
    resource: 'user',
    action: 'api_key_create',
    id: self,
    fields: () => ['api_key'],
  },
  'delete /auth/api-key': {
    resource: 'user',
    action: 'api_key_revoke',
    id: self,
    fields: () => ['api_key'],
    unchanged: (o) => dataAt(o, 'revoked') === false,
  },
  'post /models/switch': {
    resource: 'user',
    action: 'update',
    id: self,
    fields: () => ['default_provider', 'default_model'],
  },
  'post /experiments': {
    resource: 'experiment',
    action: 'create',
    id: (o) => dataAt(o, 'experiment', 'id'),
  },
  'put /experiments/:id': { resource: 'experiment', action: 'update' },
  'delete /experiments/:id': { resource: 'experiment', action: 'delete', fields: () => [] },
  'post /batch-experiments': {
    resource: 'batch_experiment',
    action: 'create',
    id: (o) => dataAt(o, 'batch_experiment', 'id'),
  },
  'post /batch-experiments/:id/control': {
    resource: 'batch_experiment',
    // pause, resume, stop or retry_failed
    action: (o) => String((o.body as { action: string }).action),
    fields: () => ['status'],
  },
  'post /datasets': {
    resource: 'dataset',
    action: 'create',
    id: (o) => dataAt(o, 'dataset', 'id'),
  },
  'post /datasets/import': {
    resource: 'dataset',
    action: 'import',
    id: (o) => dataAt(o, 'dataset', 'id'),
    fields: () => ['prompts'],
    extra: (o) => ({ imported: dataAt(o, 'imported') }),
  },
  'put /datasets/:id': { resource: 'dataset', action: 'update' },
  'delete /datasets/:id': { resource: 'dataset', action: 'delete', fields: () => [] },
  'post /datasets/:id/prompts': { resource: 'dataset', action: 'add_prompts' },
  'delete /datasets/:id/prompts/:promptId': {
    resource: 'dataset',
    action: 'delete_prompt',
    fields: () => ['prompts'],
    extra: (o) => ({ prompt_id: param('promptId')(o) }),
  },
  'post /datasets/:id/run': {
    resource: 'batch_experiment',
    action: 'create',
    id: (o) => dataAt(o, 'batch_experiment', 'id'),
    extra: (o) => ({ dataset_id: param('id')(o) }),
  },
};

/** The rule of a route, if it is audited. */
export function auditRuleFor(method: string, path: string): AuditRule | undefined {
  return AUDIT_RULES[`${method.toLowerCase()} ${path}`];
}

/**
 * The top-level fields a request set: keys the client sent that validation kept (defaults
 * the schema filled in were not changed by anyone; unknown keys were dropped).
 */
export function bodyFields(o: RouteOutcome): string[] {
  const sent = o.sentBody;
  const kept = o.body;
  if (!sent || typeof sent !== 'object' || !kept || typeof kept !== 'object') return [];
  return Object.keys(sent as object)
    .filter((key) => Object.hasOwn(kept, key))
    .sort();
}
