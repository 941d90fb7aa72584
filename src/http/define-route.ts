import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { AuthContext } from '../lib/auth-context.js';
import { UnauthorizedError } from '../lib/errors.js';
import { toValidationError } from '../lib/zod-errors.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: parsed input, never the raw `req.query`/`req.body`. */
export interface RouteContext<P, Q, B, A extends AuthContext | undefined> {
  params: P;
  query: Q;
  body: B;
  auth: A;
  requestId: string;
  /** Escape hatch for streaming or file responses; envelope routes never touch it. */
  req: Request;
  res: Response;
}

/** A handler's answer, sent as `{ success: true, data, message? }`. */
export interface RouteResult {
  status?: number;
  data?: unknown;
  message?: string;
}

type Schema = z.ZodType;

/** The success response, for OpenAPI. `envelope: false` for the spec's bare bodies (health, docs). */
export interface ResponseSpec {
  status: number;
  description: string;
  schema?: Schema;
  envelope?: boolean;
}
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A route declared as data: validated, documented in OpenAPI and mounted from one object. */
export interface RouteDefinition {
  method: HttpMethod;
  /** Express-style path below `/api`, e.g. `/experiments/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `false` for the few public routes (health, docs, register, login). Default `true`. */
  auth?: boolean;
  request?: { params?: z.ZodObject; query?: z.ZodObject; body?: Schema };
  response: ResponseSpec;
  /**
   * Error statuses this route answers beyond the common ones (400, 401, 404, 429, 500), with
   * their description, for OpenAPI — e.g. `{ 409: 'Already exists (CONFLICT)' }`.
   */
  errors?: Record<number, string>;
  /** Runs after authentication, before validation (e.g. a per-route rate limit). */
  middleware?: RequestHandler[];
  handler: (
    ctx: RouteContext<unknown, unknown, unknown, AuthContext | undefined>,
  ) => Promise<RouteResult | void>;
}

/** Declares a route; the handler's input types are inferred from the zod schemas. */
export function defineRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends Schema | undefined = undefined,
  Auth extends boolean = true,
>(def: {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth?: Auth;
  request?: { params?: P; query?: Q; body?: B };
  response: ResponseSpec;
  errors?: Record<number, string>;
  middleware?: RequestHandler[];
  handler: (
    ctx: RouteContext<
      Out<P>,
      Out<Q>,
      Out<B>,
      Auth extends false ? AuthContext | undefined : AuthContext
    >,
  ) => Promise<RouteResult | void>;
}): RouteDefinition {
  return def as unknown as RouteDefinition;
}

function parse(schema: Schema | undefined, input: unknown, location: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, input, location);
  return result.data;
}

/** What a route did, for observers such as the audit trail. */
export interface RouteOutcome {
  route: RouteDefinition;
  /** The success status about to be sent. */
  status: number;
  params: unknown;
  query: unknown;
  body: unknown;
  /** The handler's `data`. */
  data: unknown;
  auth: AuthContext | undefined;
  requestId: string;
  /** The client's address (behind a trusted proxy, as the proxy reports it). */
  ip: string | null;
  /** The body as the client sent it, before validation dropped or defaulted anything. */
  sentBody: unknown;
}

export interface MountOptions {
  /** Where the router is mounted (e.g. `/api`): prefixes `res.locals.routePattern`. */
  basePath?: string;
  /**
   * Runs after a handler succeeded, before its answer is sent; a failed request (a thrown
   * error, a 4xx or 5xx) never reaches it. Its own failure must not fail the request: it is
   * expected to catch and report.
   */
  onSuccess?: (outcome: RouteOutcome) => Promise<void>;
}

function toHandler(route: RouteDefinition, options: MountOptions): RequestHandler {
  return async (req, res) => {
    const ctx = {
      params: parse(route.request?.params, req.params, 'path parameters'),
      query: parse(route.request?.query, req.query, 'query parameters'),
      body: parse(route.request?.body, req.body ?? {}, 'request body'),
      auth: req.auth,
      requestId: req.id,
      req,
      res,
    };
    const result = await route.handler(ctx);
    if (!result || res.headersSent) return;
    const status = result.status ?? route.response.status;
    if (options.onSuccess && status < 400) {
      const { params, query, body, auth, requestId } = ctx;
      await options.onSuccess({
        route,
        status,
        params,
        query,
        body,
        data: result.data,
        auth,
        requestId,
        ip: req.ip ?? null,
        sentBody: req.body,
      });
    }
    res.status(status).json({
      success: true,
      ...(result.data === undefined ? {} : { data: result.data }),
      ...(result.message ? { message: result.message } : {}),
    });
  };
}

const requireAuth: RequestHandler = (req, _res, next) => {
  if (req.auth) next();
  else if (req.authFailure !== undefined) next(req.authFailure);
  else next(new UnauthorizedError(req.authError));
};

/**
 * Mounts route definitions on a router: auth check, route middleware, then the handler. Each
 * route first records its pattern (`/api/experiments/:id`) in `res.locals.routePattern`, so
 * metrics and logs can name the route without the ids of the raw path.
 */
export function mountRoutes(
  router: Router,
  routes: RouteDefinition[],
  options: MountOptions = {},
): void {
  for (const route of routes) {
    const pattern = `${options.basePath ?? ''}${route.path}`;
    const named: RequestHandler = (_req, res, next) => {
      res.locals.routePattern = pattern;
      next();
    };
    const guards = route.auth === false ? [] : [requireAuth];
    router[route.method](
      route.path,
      named,
      ...guards,
      ...(route.middleware ?? []),
      toHandler(route, options),
    );
  }
}
