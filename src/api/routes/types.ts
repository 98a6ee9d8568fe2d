/**
 * A route as data: method, URL, required scope, JSON schemas, documented answers and the handler.
 * The server registers these and /openapi.json is built from the very same list, so the published
 * document cannot describe a route that does not exist (or miss one that does).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { ConfigIssue } from '../../config/load.js';
import type { Store } from '../../store/port.js';
import type { ApiToken, Scope } from '../auth.js';
import type { ReadinessProbes } from '../readiness.js';

/** A JSON Schema object (draft 7 as ajv reads it; OpenAPI 3.1 takes it as is). */
export type JsonSchema = Record<string, unknown>;

/** One documented answer of a route. */
export interface ResponseSpec {
  description: string;
  /** Default application/json. */
  contentType?: string;
  schema?: JsonSchema;
}

/** A route of the API. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify URL pattern, e.g. /api/v1/alerts/:id/acknowledge. */
  url: string;
  /** Scope a token needs; null = public (health, metrics, the OpenAPI document). */
  scope: Scope | null;
  tag: string;
  summary: string;
  description?: string;
  schema?: { body?: JsonSchema; querystring?: JsonSchema; params?: JsonSchema };
  /** Successful answers (status → spec). Error answers are added for every route from its scope. */
  responses: Record<number, ResponseSpec>;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** The outcome of a configuration reload. */
export type ReloadOutcome = { ok: true; files: string[] } | { ok: false; issues: ConfigIssue[] };

/** What the routes need from the running service. */
export interface ApiDeps {
  /** The API's own store handle (the daemon has another). */
  store: Store;
  /** The configuration currently in force (a reload swaps it). */
  config(): Config;
  tokens: readonly ApiToken[];
  log: Logger;
  /** Wall clock (tests inject a fixed one). */
  clock(): number;
  readiness: ReadinessProbes;
  /** Ask for the re-evaluation of the orgs an ingest touched (the daemon's job queue); absent: the next full check sees them. */
  reevaluate?: (orgs: readonly string[]) => Promise<void>;
  /** Reload the configuration (absent: POST /api/v1/admin/reload answers 501). */
  reload?: () => Promise<ReloadOutcome>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Method and URL of every route fastify registered (HEAD twins left out). */
    registeredRoutes: ReadonlyArray<{ method: string; url: string }>;
  }
  interface FastifyRequest {
    /** The authenticated token's name (undefined on public routes). */
    tokenName?: string;
    /** The org subtree the token is limited to (null: everything). */
    tokenOrg?: string | null;
  }
  interface FastifyContextConfig {
    /** Scope the route needs (null = public). */
    scope?: Scope | null;
  }
}
