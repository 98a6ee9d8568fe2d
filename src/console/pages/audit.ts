/** 操作日志: every action (acknowledge, close, import, user change, sign-in) in the user's subtree. */
import type { FastifyInstance } from 'fastify';
import { pageOf, type PageContext } from '../context.js';

const PAGE_SIZE = 50;
const ACTIONS_ZH: Record<string, string> = {
  acknowledge: '认领整改',
  'link-acknowledge': '书记通过链接认领整改',
  'close-rectification': '整改销号',
  import: '导入数据',
  login: '登录',
  'login-failed': '登录失败',
  'login-locked': '登录失败并锁定账号',
  'user-add': '新建账号',
  'user-passwd': '重设密码',
  'user-disable': '停用账号',
  'user-enable': '启用账号',
  'org-remove': '撤销组织',
  'exemption-grant': '新增豁免',
  'exemption-end': '提前结束豁免',
  'leave-add': '登记书记请假',
  'leave-end': '提前结束请假',
};

export function auditPages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/audit', async (request, reply) => {
    const tree = await ctx.tree(request);
    const scope = ctx.user(request).user.org;
    const codes = tree.isWhole(scope) ? null : [scope, ...tree.committeesUnder(scope).map((c) => c.code), ...tree.branchesUnder(scope)];
    const { page, offset } = pageOf(request.query as Record<string, unknown>, PAGE_SIZE);
    const { rows, total } = await ctx.store.accounts.auditPage({ orgs: codes, limit: PAGE_SIZE, offset });
    return ctx.page(request, reply, 'audit', '操作日志', {
      rows: rows.map((r) => ({ ...r, actionZh: ACTIONS_ZH[r.action] ?? r.action, orgName: r.org ? tree.name(r.org) : '—', detail: r.detail ? summarize(r.detail) : '' })),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    });
  });
}

/** A detail JSON as one short line (keys and values, strings cut). */
function summarize(json: string): string {
  try {
    const o = JSON.parse(json) as Record<string, unknown>;
    return Object.entries(o)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v.slice(0, 80) : JSON.stringify(v)?.slice(0, 80)}`)
      .join('；');
  } catch {
    return '';
  }
}
