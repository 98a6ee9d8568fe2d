/**
 * 评星定级 in the console, scoped to the user's subtree: the year's campaign (the four steps, per
 * branch each step's star beside the engine's estimate, what caps it, objections, transitions) with
 * the admins' step forms — open, advance with a reason, committee review, the city review's
 * cancel-five-star or star adjustment, objections and answers — through the same services as the
 * CLI and API (src/rating/campaign-service.ts), each also written to the audit log; 软弱涣散 (the
 * designations, 四个一, problems, progress and the month's reminder state); 补贴 (subsidies and funds
 * with the XLSX payment roll); 示范点. Campaign-wide steps and the city review need a user whose
 * scope is the whole tree; a branch's step needs the branch in the user's scope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { shanghaiDate } from '../../domain/calendar.js';
import { CAMPAIGN_STATES, CAMPAIGN_STATE_NAMES_ZH, nextState } from '../../rating/campaign.js';
import { advanceCampaign, answerObjection, estimateStars, openCampaign, raiseObjection, recordCityReview, recordCommitteeReview, recordSelfAssessment, starLimits } from '../../rating/campaign-service.js';
import { campaignRows } from '../../rating/campaign-view.js';
import { RatingError } from '../../rating/errors.js';
import { computeSubsidies } from '../../rating/subsidies.js';
import { MEASURES, MEASURE_KEYS, WEAK_CATEGORIES, WEAK_ITEM_KINDS, weakCountsByCommittee, weakProgress } from '../../rating/weak.js';
import { REMINDER_STATE_ZH, reminderSendState } from '../../rating/weak-reminders.js';
import { paymentRollSheets, sheetsBuffer } from '../../rating/xlsx.js';
import type { CampaignEntry } from '../../store/types/rating.js';
import { maskRecipient } from '../security.js';
import { pageOf, PageError, type PageContext } from '../context.js';

const PAGE_SIZE = 50;
const STATUS = { not_found: 404, conflict: 409, invalid: 422 } as const;
const LEVEL_ZH = { city: '市级', prefecture: '地级' } as const;

/** A form field as trimmed text of at most `max` characters. */
function field(v: unknown, max: number): string {
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** The year asked for (?year= or the form), default the current Shanghai year. */
function yearOf(v: unknown, now: number): number {
  if (v === undefined || v === '') return Number(shanghaiDate(now).slice(0, 4));
  const y = Number(v);
  if (!Number.isInteger(y) || y < 1990 || y > 2100) throw new PageError(400, `无效的年度 "${String(v)}"，应为 2026 这样的年份 / invalid year`);
  return y;
}

/** Run a rating service; its bilingual refusal becomes the page's error with the matching status. */
async function rated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RatingError) throw new PageError(STATUS[e.code], e.message);
    throw e;
  }
}

/** What a transition's toState says in Chinese: a step, a branch's step data ('committee_review:B1'), an objection or its answer. */
function transitionZh(to: string): string {
  const names = CAMPAIGN_STATE_NAMES_ZH as Record<string, string>;
  if (names[to]) return names[to];
  const [what, rest] = [to.slice(0, to.indexOf(':')), to.slice(to.indexOf(':') + 1)];
  if (what === 'objection') return `登记异议 #${rest}`;
  if (what === 'answer') return `答复异议 #${rest}`;
  return names[what] ? `${names[what]}（${rest}）` : to;
}

export function ratingPages(app: FastifyInstance, ctx: PageContext): void {
  /** Branch codes in the user's scope as a predicate (null scope: everything). */
  const inScope = async (request: FastifyRequest) => {
    const scope = await ctx.scope(request);
    const set = scope ? new Set(scope) : null;
    return (code: string) => !set || set.has(code);
  };
  /** 403 unless the user sees the whole tree (campaign-wide steps, the city review). */
  const mustBeCity = async (request: FastifyRequest) => {
    const s = ctx.mustAct(request);
    if (!(await ctx.tree(request)).isWhole(s.user.org)) throw new PageError(403, '只有市级（全部组织）管理员可以执行此操作 / only a city-wide admin can do this');
    return s;
  };
  const actor = (request: FastifyRequest) => ({ by: ctx.user(request).user.username, at: ctx.deps.clock() });
  const back = (year: number, done: string) => `/console/rating?year=${year}&done=${done}`;

  app.get('/console/rating', async (request, reply) => {
    const now = ctx.deps.clock();
    const q = request.query as Record<string, string | undefined>;
    const year = yearOf(q.year, now);
    const store = ctx.store;
    const config = ctx.deps.config();
    const tree = await ctx.tree(request);
    const s = ctx.user(request);
    const see = await inScope(request);
    const campaign = await store.rating.campaign(year);
    const branches = new Map((await store.rating.branches()).filter((b) => see(b.code)).map((b) => [b.code, b]));
    let rows: ReturnType<typeof campaignRows> = [];
    let objections: Awaited<ReturnType<typeof store.rating.objections>> = [];
    let transitions: Awaited<ReturnType<typeof store.rating.transitions>> = [];
    const { page, offset } = pageOf(q, PAGE_SIZE);
    let total = 0;
    if (campaign) {
      const byOrg = new Map((await store.rating.campaignEntries(year)).filter((e) => branches.has(e.org)).map((e) => [e.org, e]));
      // Every branch in scope has a row; one without an entry yet shows dashes.
      const all: CampaignEntry[] = [...branches.keys()].sort().map(
        (org) => byOrg.get(org) ?? { year, org, selfStars: null, selfScores: null, committeeStars: null, committeeScores: null, cityStars: null, fiveStarCancelled: false, cityReason: null, estimates: {} },
      );
      total = all.length;
      const shown = all.slice(offset, offset + PAGE_SIZE);
      const estimates = new Map<string, number | null>();
      for (const e of shown) estimates.set(e.org, (await estimateStars(store, config, year, now, e.org)).get(e.org) ?? null);
      rows = campaignRows(shown, branches, estimates, await starLimits(store, year, shanghaiDate(now)), config.rating);
      objections = (await store.rating.objections(year)).filter((o) => branches.has(o.org));
      // A step's action names its branch after the colon ('committee_review:B1'); campaign-wide moves have none.
      transitions = (await store.rating.transitions(year))
        .filter((t) => {
          const org = /^(?:self_assessment|committee_review|city_review):(.+)$/.exec(t.toState)?.[1];
          return org ? branches.has(org) : true;
        })
        .slice(-30)
        .reverse();
    }
    const canAct = !ctx.deps.readOnly && s.user.role === 'admin';
    const city = tree.isWhole(s.user.org);
    return ctx.page(request, reply, 'rating', `${year} 年度评星定级`, {
      year,
      years: Array.from({ length: 5 }, (_, i) => Number(shanghaiDate(now).slice(0, 4)) + 1 - i),
      campaign,
      stateZh: campaign ? CAMPAIGN_STATE_NAMES_ZH[campaign.state] : null,
      next: campaign ? nextState(campaign.state) : null,
      nextZh: campaign && nextState(campaign.state) ? CAMPAIGN_STATE_NAMES_ZH[nextState(campaign.state)!] : null,
      steps: CAMPAIGN_STATES.map((st) => ({ id: st, zh: CAMPAIGN_STATE_NAMES_ZH[st], on: campaign?.state === st, done: !!campaign && CAMPAIGN_STATES.indexOf(st) < CAMPAIGN_STATES.indexOf(campaign.state) })),
      rows,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      total,
      objections,
      transitions: transitions.map((t) => ({ ...t, fromZh: t.fromState ? CAMPAIGN_STATE_NAMES_ZH[t.fromState] : '—', toZh: transitionZh(t.toState) })),
      canAct,
      city,
      done: q.done ?? null,
      stateNames: CAMPAIGN_STATE_NAMES_ZH,
    });
  });

  app.post('/console/rating/:year/open', async (request, reply) => {
    const year = yearOf((request.params as { year: string }).year, ctx.deps.clock());
    const s = await mustBeCity(request);
    await rated(() => openCampaign(ctx.store, year, actor(request)));
    await ctx.audit({ actor: s.user.username, action: 'rating-open', target: `rating:${year}`, detail: { year }, org: s.user.org });
    return reply.redirect(back(year, 'open'), 303);
  });

  app.post('/console/rating/:year/advance', async (request, reply) => {
    const year = yearOf((request.params as { year: string }).year, ctx.deps.clock());
    const s = await mustBeCity(request);
    const reason = field((request.body as Record<string, unknown> | undefined)?.reason, 500);
    if (!reason) throw new PageError(422, '请填写进入下一阶段的理由 / a reason is required');
    const before = (await ctx.store.rating.campaign(year))?.state ?? null;
    const c = await rated(() => advanceCampaign(ctx.store, ctx.deps.config(), year, reason, actor(request)));
    await ctx.audit({ actor: s.user.username, action: 'rating-advance', target: `rating:${year}`, detail: { from: before, to: c.state, reason }, org: s.user.org });
    return reply.redirect(back(year, 'advance'), 303);
  });

  // A branch's star for a step (支部自评 or 党委考评), by an admin whose scope holds the branch.
  for (const step of ['self', 'committee'] as const) {
    app.post(`/console/rating/:year/${step}`, async (request, reply) => {
      const year = yearOf((request.params as { year: string }).year, ctx.deps.clock());
      const s = ctx.mustAct(request);
      const b = (request.body ?? {}) as Record<string, unknown>;
      const org = field(b.org, 64);
      await ctx.mustSee(request, org);
      const stars = Number(b.stars);
      if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new PageError(422, '星级应为 1–5 / stars must be 1–5');
      const record = step === 'self' ? recordSelfAssessment : recordCommitteeReview;
      await rated(() => record(ctx.store, ctx.deps.config(), year, org, stars, null, actor(request)));
      await ctx.audit({ actor: s.user.username, action: `rating-${step}`, target: `rating:${year}:${org}`, detail: { stars }, org });
      return reply.redirect(back(year, step), 303);
    });
  }

  app.post('/console/rating/:year/city', async (request, reply) => {
    const year = yearOf((request.params as { year: string }).year, ctx.deps.clock());
    const s = await mustBeCity(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const org = field(b.org, 64);
    await ctx.mustSee(request, org);
    const reason = field(b.reason, 500);
    if (!reason) throw new PageError(422, '市级复核必须说明理由 / a city review needs a reason');
    const cancel = b.action === 'cancel';
    const stars = Number(b.stars);
    if (!cancel && (!Number.isInteger(stars) || stars < 1 || stars > 5)) throw new PageError(422, '调整星级应为 1–5 / stars must be 1–5');
    await rated(() => recordCityReview(ctx.store, ctx.deps.config(), year, org, cancel ? { cancelFiveStar: true, reason } : { stars, reason }, actor(request)));
    await ctx.audit({ actor: s.user.username, action: 'rating-city', target: `rating:${year}:${org}`, detail: cancel ? { cancelFiveStar: true, reason } : { stars, reason }, org });
    return reply.redirect(back(year, 'city'), 303);
  });

  app.post('/console/rating/:year/objections', async (request, reply) => {
    const year = yearOf((request.params as { year: string }).year, ctx.deps.clock());
    const s = ctx.mustAct(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const org = field(b.org, 64);
    await ctx.mustSee(request, org);
    const text = field(b.text, 2000);
    const id = await rated(() => raiseObjection(ctx.store, year, org, text, actor(request)));
    await ctx.audit({ actor: s.user.username, action: 'rating-objection', target: `objection:${id}`, detail: { year, org, text }, org });
    return reply.redirect(back(year, 'objection'), 303);
  });

  app.post('/console/rating/objections/:id/answer', async (request, reply) => {
    const n = Number((request.params as { id: string }).id);
    const o = Number.isInteger(n) ? await ctx.store.rating.objection(n) : undefined;
    if (!o) throw new PageError(404, `异议 ${(request.params as { id: string }).id} 不存在 / no such objection`);
    await ctx.mustSee(request, o.org);
    const s = ctx.mustAct(request);
    const text = field((request.body as Record<string, unknown> | undefined)?.text, 2000);
    await rated(() => answerObjection(ctx.store, o.id, text, actor(request)));
    await ctx.audit({ actor: s.user.username, action: 'rating-answer', target: `objection:${o.id}`, detail: { year: o.year, org: o.org, text }, org: o.org });
    return reply.redirect(back(o.year, 'answer'), 303);
  });

  app.get('/console/rating/weak', async (request, reply) => {
    const now = ctx.deps.clock();
    const q = request.query as Record<string, string | undefined>;
    const month = q.month && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.month) ? q.month : shanghaiDate(now).slice(0, 7);
    const all = q.all === '1';
    const tree = await ctx.tree(request);
    const see = await inScope(request);
    const designations = (await ctx.store.rating.weakDesignations({ all })).filter((d) => see(d.org));
    const reminders = await ctx.store.rating.reminderStates(month);
    const list = designations.map((d) => ({
      ...d,
      name: tree.name(d.org),
      committee: tree.name(tree.byCode.get(d.org)?.parent ?? null),
      categoryZh: WEAK_CATEGORIES[d.category],
      measures: MEASURE_KEYS.map((k) => ({ zh: MEASURES[k], value: d[k] })),
      leaderPhone: d.townshipLeaderPhone,
      progress: weakProgress(d),
      items: d.items.map((i) => ({ ...i, kindZh: WEAK_ITEM_KINDS[i.kind] })),
      reminders: reminders
        .filter((r) => r.designationIds.includes(d.id))
        .map((r) => {
          const st = reminderSendState(r);
          return { to: maskRecipient(r.recipientKey.replace(/^(phone|email):/, '')), combined: r.designationIds.length > 1, state: st.state, stateZh: REMINDER_STATE_ZH[st.state], sentAt: st.sentAt };
        }),
    }));
    const counts = weakCountsByCommittee(designations, (o) => tree.byCode.get(o)?.parent ?? null).map((c) => ({ ...c, name: tree.name(c.committee) }));
    return ctx.page(request, reply, 'rating-weak', '软弱涣散整顿', { list, counts, month, all, reminderDay: ctx.deps.config().rating.weak_reminder_day });
  });

  /** The year's subsidies of the branches in the user's scope (totals of those branches only). */
  const subsidiesOf = async (request: FastifyRequest, year: number) => {
    const see = await inScope(request);
    const store = ctx.store;
    return computeSubsidies((await store.rating.branches()).filter((b) => see(b.code)), await store.rating.ratings(), await store.rating.starChanges(), year, ctx.deps.config().rating);
  };

  app.get('/console/rating/subsidies', async (request, reply) => {
    const now = ctx.deps.clock();
    const q = request.query as Record<string, string | undefined>;
    const year = yearOf(q.year, now);
    const r = await subsidiesOf(request, year);
    const { page, offset } = pageOf(q, PAGE_SIZE);
    return ctx.page(request, reply, 'rating-subsidies', `${year} 年度星级补贴`, {
      year,
      years: Array.from({ length: 5 }, (_, i) => Number(shanghaiDate(now).slice(0, 4)) - i),
      branches: r.branches.slice(offset, offset + PAGE_SIZE),
      committees: r.committees,
      city: r.city,
      page,
      pages: Math.max(1, Math.ceil(r.branches.length / PAGE_SIZE)),
    });
  });

  app.get('/console/rating/subsidies.xlsx', async (request, reply) => {
    const year = yearOf((request.query as Record<string, string | undefined>).year, ctx.deps.clock());
    const r = await subsidiesOf(request, year);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="payment-roll-${year}.xlsx"`)
      .send(await sheetsBuffer(paymentRollSheets(r)));
  });

  app.get('/console/rating/sites', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const year = q.year ? yearOf(q.year, ctx.deps.clock()) : null;
    const tree = await ctx.tree(request);
    const see = await inScope(request);
    const sites = (await ctx.store.rating.demoSites(year ? { year } : {}))
      .filter((x) => see(x.org))
      .map((x) => ({ ...x, name: tree.name(x.org), committee: tree.name(tree.byCode.get(x.org)?.parent ?? null), levelZh: LEVEL_ZH[x.level] }));
    return ctx.page(request, reply, 'rating-sites', '示范点', { sites, year });
  });
}
