/**
 * What every console page handler gets: the dependencies of the running service, the signed-in
 * user with their scope, and helpers to render a page, refuse (403/404) and write the audit log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import type { Store } from '../store/port.js';
import type { AuditEntry } from '../store/types/accounts.js';
import { orgTreeOf, type OrgTree } from '../app/org-tree.js';
import type { SignedIn } from './session.js';

/** The daemon's health as the overview shows it (absent in `orglife console`, which has no Redis). */
export interface DaemonHealth {
  queues: { queue: string; waiting: number; active: number; delayed: number; failed: number }[];
  redisUp: boolean;
}

export interface ConsoleDeps {
  store: Store;
  config(): Config;
  log: Logger;
  clock(): number;
  /** `orglife console`: pages only, every action refused. */
  readOnly?: boolean;
  health?: () => Promise<DaemonHealth>;
  /** The environment (channel secrets), for the preview's dry run. */
  env?: Env;
}

/** A page refusal with a Chinese message (rendered as an error page with that status). */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'PageError';
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    signedIn?: SignedIn | null;
    /** The org tree as of this request (loaded once per request). */
    orgTree?: OrgTree;
  }
}

export class PageContext {
  constructor(readonly deps: ConsoleDeps) {}

  get store(): Store {
    return this.deps.store;
  }

  /** The org tree (one version query per request; rebuilt only after an import changed the orgs). */
  async tree(request: FastifyRequest): Promise<OrgTree> {
    return (request.orgTree ??= await orgTreeOf(this.deps.store));
  }

  user(request: FastifyRequest): SignedIn {
    const s = request.signedIn;
    if (!s) throw new PageError(401, '请先登录 / please sign in');
    return s;
  }

  /** Branch codes the user may see, or null for everything. */
  async scope(request: FastifyRequest): Promise<string[] | null> {
    return (await this.tree(request)).scopeOf(this.user(request).user.org);
  }

  /** 403 unless `code` is in the user's subtree; 404 when it does not exist. */
  async mustSee(request: FastifyRequest, code: string): Promise<void> {
    const tree = await this.tree(request);
    if (!tree.byCode.has(code)) throw new PageError(404, `未找到组织 ${code} / no such organization`);
    if (!tree.within(this.user(request).user.org, code)) throw new PageError(403, `无权查看 ${tree.name(code)}：不在您所属组织的范围内 / outside your organization`);
  }

  /** 403 unless the user may act (admin, and not the read-only console). */
  mustAct(request: FastifyRequest): SignedIn {
    const s = this.user(request);
    if (this.deps.readOnly) throw new PageError(403, '只读控制台（orglife console）不能修改数据，请在运行中的服务上操作 / read-only console');
    if (s.user.role !== 'admin') throw new PageError(403, '只读账号不能执行此操作 / viewers cannot do this');
    return s;
  }

  audit(e: AuditEntry): Promise<void> {
    return this.deps.store.accounts.audit([e], this.deps.clock());
  }

  /** Render a page inside the layout. */
  async page(request: FastifyRequest, reply: FastifyReply, view: string, title: string, data: Record<string, unknown> = {}, status = 200): Promise<FastifyReply> {
    const s = request.signedIn ?? null;
    let orgName = '';
    if (s) {
      try {
        orgName = (await this.tree(request)).name(s.user.org);
      } catch {
        orgName = s.user.org; // an error page while the store does not answer
      }
    }
    const html = await reply.viewAsync(view, {
      ...data,
      title,
      user: s ? { name: s.user.username, org: s.user.org, orgName, role: s.user.role } : null,
      csrf: s?.csrf ?? '',
      readOnly: !!this.deps.readOnly,
      path: request.url.split('?')[0],
    });
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }
}

/** The requested 1-based page and its offset (a page past the end simply shows nothing). */
export function pageOf(q: Record<string, unknown>, size: number): { page: number; offset: number } {
  const n = Math.floor(Number(q.page ?? 1));
  const page = Number.isFinite(n) && n >= 1 ? Math.min(n, 100_000) : 1;
  return { page, offset: (page - 1) * size };
}
