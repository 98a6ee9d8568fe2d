/**
 * The organizations table (组织): committees and branches, keyed by `code`. Rows are staged in
 * memory (a city has a few thousand orgs) because parents may come later in the file or in another
 * org file of the same command; the tree is checked and handed to the import session in finish().
 */
import { DOMAIN_NAMES_ZH, type Domain, type Org, type OrgKind } from '../../domain/types.js';
import { earlierRow, type CommandContext, type FileTally, type RowContext, type RowLocation, type TableSpec, type TableWriter } from '../table.js';
import { code, count, date, email, name, oneOf, phone, termYears, text } from '../values.js';

/** 领域: English code or Chinese name (非公有制经济组织 and 国企 too). */
export const parseDomain = oneOf<Domain>({ zh: '领域', en: 'domain' }, DOMAIN_NAMES_ZH, {
  非公有制经济组织: 'private_enterprise',
  国企: 'soe',
});

/** 组织类别: committee (党委) or branch (党支部). */
export const parseOrgKind = oneOf<OrgKind>(
  { zh: '组织类别', en: 'org kind' },
  { committee: '党委', branch: '党支部' },
  { 支部: 'branch' },
);

interface Staged {
  org: Org;
  file: FileTally;
  loc: RowLocation;
}

class OrgsWriter implements TableWriter<Org> {
  private readonly staged: Staged[] = [];
  /** This command's rows by code (all its org files), to refuse a code repeated with other content. */
  private readonly inCommand = new Map<string, Staged>();

  constructor(private readonly cmd: CommandContext) {}

  async beginFile(): Promise<void> {}

  async flush(): Promise<void> {}

  add(org: Org, row: RowContext): void {
    const earlier = this.inCommand.get(org.code);
    if (earlier && !sameOrg(earlier.org, org)) {
      const at = earlierRow(row, earlier.loc.source, earlier.loc.line ?? earlier.loc.item);
      row.fail('code', `组织编码「${org.code}」${at.zh}已出现且内容不同`, `org code "${org.code}" already appears ${at.en} with different content`, org.code);
      return;
    }
    const s: Staged = { org, file: row.file, loc: row.locate() };
    this.staged.push(s);
    this.inCommand.set(org.code, s);
    const known = this.cmd.orgs.get(org.code);
    this.cmd.orgs.put(org.code, { id: known?.id ?? null, kind: org.kind, parent: org.parent });
  }

  async finish(): Promise<void> {
    this.checkTree();
    await this.write();
    await this.cmd.orgs.refreshIds(this.cmd.session);
  }

  /** Parents exist and are committees, no cycles, and no org that became a branch keeps children. */
  private checkTree(): void {
    const dir = this.cmd.orgs;
    const children = new Map<string, string[]>();
    for (const [code, o] of dir.entries()) {
      if (o.parent === null) continue;
      const list = children.get(o.parent);
      if (list) list.push(code);
      else children.set(o.parent, [code]);
    }
    // One tree, one root: an org already in the database that stays parentless, else the first parentless
    // committee of this command. Any other committee without a parent has simply forgotten it.
    let root: string | undefined;
    for (const [code, o] of dir.entries()) {
      if (o.parent === null && o.id !== null && !o.invalid) {
        root = code;
        break;
      }
    }
    root ??= this.staged.find((s) => s.org.parent === null && s.org.kind === 'committee')?.org.code;
    for (const { org, loc } of this.staged) {
      const parentCode = org.parent;
      if (parentCode === null && org.kind === 'committee' && root !== undefined && org.code !== root) {
        loc.fail(
          'parent',
          `缺少上级组织编码：只有顶级组织（${root}）可以不填`,
          `parent is missing: only the root org (${root}) may have none`,
        );
      }
      if (parentCode !== null && parentCode !== org.code) {
        const parent = dir.get(parentCode);
        if (!parent) {
          loc.fail(
            'parent',
            `上级组织编码「${parentCode}」不存在（数据库和本次导入的组织文件中都没有）`,
            `parent org "${parentCode}" is unknown (neither in the database nor in the org files of this import)`,
            parentCode,
          );
        } else if (parent.invalid) {
          // Its own row is already reported; checking against a half-read org would only add noise.
        } else if (parent.removed) {
          // Re-activating a branch under a committee that stays removed would leave it outside the tree.
          loc.fail(
            'parent',
            `上级组织「${parentCode}」已撤销；请在本次导入中同时导入该组织以恢复它，或改填现有的上级组织`,
            `parent org "${parentCode}" was removed (orglife orgs remove): import it too to re-activate it, or give an active parent`,
            parentCode,
          );
        } else if (parent.kind !== 'committee') {
          loc.fail('parent', `上级组织「${parentCode}」是党支部，不能有下级组织`, `parent org "${parentCode}" is a branch, not a committee`, parentCode);
        } else {
          const cycle = findCycle(org.code, (c) => dir.get(c)?.parent ?? null);
          if (cycle) {
            loc.fail('parent', `上级关系形成循环：${cycle.join(' → ')}`, `parent links form a cycle: ${cycle.join(' → ')}`, parentCode);
          }
        }
      }
      const kids = children.get(org.code);
      if (org.kind === 'branch' && kids && dir.get(org.code)?.kind === 'branch') {
        loc.fail(
          'kind',
          `「${org.code}」为党支部，但仍是 ${kids.slice(0, 3).join('、')}${kids.length > 3 ? ' 等' : ''} 的上级组织`,
          `"${org.code}" is a branch but still the parent of ${kids.slice(0, 3).join(', ')}${kids.length > 3 ? ', …' : ''}`,
        );
      }
    }
  }

  /** Upsert the staged rows in input order (a later file overrides an earlier one, as if run one by one). */
  private async write(): Promise<void> {
    const { session, now } = this.cmd;
    for (let from = 0; from < this.staged.length; ) {
      const file = this.staged[from]!.file;
      let to = from;
      while (to < this.staged.length && this.staged[to]!.file === file && to - from < WRITE_BATCH) to++;
      if (from === 0 || this.staged[from - 1]!.file !== file) await session.beginFile('orgs', file.source);
      const part = this.staged.slice(from, to);
      const r = await session.upsert('orgs', part.map((s) => s.org), part.map((s) => s.loc.line ?? s.loc.item ?? 0), now);
      part.forEach((s, i) => {
        const outcome = r.outcomes[i]!;
        if (outcome !== 'conflict' && outcome !== 'deferred') s.file[outcome]++; // a conflict was already refused in add(); orgs are never staged
      });
      from = to;
    }
  }
}

/** Org rows handed to the session at a time. */
const WRITE_BATCH = 5000;

/** The cycle through `start` following parent links, e.g. ['A', 'B', 'A'], or null. */
function findCycle(start: string, parentOf: (code: string) => string | null): string[] | null {
  const path = [start];
  const seen = new Set(path);
  for (let c = parentOf(start); c !== null; c = parentOf(c)) {
    path.push(c);
    if (c === start) return path;
    if (seen.has(c)) return null; // a cycle above us, reported on its own members
    seen.add(c);
  }
  return null;
}

const ORG_FIELDS: readonly (keyof Org)[] = [
  'code', 'name', 'kind', 'parent', 'domain', 'members', 'groups', 'secretary', 'secretaryPhone',
  'secretaryEmail', 'clerk', 'clerkPhone', 'clerkEmail', 'electedOn', 'termYears', 'establishedOn', 'deputy', 'deputyPhone', 'deputyEmail',
];

function sameOrg(a: Org, b: Org): boolean {
  return ORG_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));
}

/** 组织: the org tree. */
export const orgsTable: TableSpec<Org> = {
  name: 'orgs',
  nameZh: '组织',
  order: 10,
  signature: ['code', 'name', 'kind'],
  columns: [
    { key: 'code', zh: '组织编码', required: true, parse: code },
    { key: 'name', zh: '组织名称', required: true, parse: name },
    { key: 'kind', zh: '组织类别', aliases: ['组织类型'], required: true, parse: parseOrgKind },
    { key: 'parent', zh: '上级组织编码', aliases: ['上级组织', '上级党组织编码'], parse: code },
    { key: 'domain', zh: '领域', aliases: ['所属领域'], parse: parseDomain },
    { key: 'members', zh: '党员人数', aliases: ['正式党员人数'], parse: count },
    { key: 'groups', zh: '党小组数', aliases: ['党小组数量'], parse: count },
    { key: 'secretary', zh: '书记姓名', aliases: ['书记'], parse: name },
    { key: 'secretary_phone', zh: '书记手机', field: 'secretaryPhone', aliases: ['书记手机号', '书记电话'], parse: phone },
    { key: 'secretary_email', zh: '书记邮箱', field: 'secretaryEmail', parse: email },
    { key: 'clerk', zh: '党务干部', aliases: ['党务干部姓名'], parse: name },
    { key: 'clerk_phone', zh: '党务干部手机', field: 'clerkPhone', aliases: ['党务干部手机号', '党务干部电话'], parse: phone },
    { key: 'clerk_email', zh: '党务干部邮箱', field: 'clerkEmail', parse: email },
    { key: 'deputy', zh: '副书记', aliases: ['副书记姓名', '组织委员'], parse: name },
    { key: 'deputy_phone', zh: '副书记手机', field: 'deputyPhone', aliases: ['副书记手机号', '副书记电话', '组织委员手机'], parse: phone },
    { key: 'deputy_email', zh: '副书记邮箱', field: 'deputyEmail', aliases: ['组织委员邮箱'], parse: email },
    { key: 'elected_on', zh: '换届日期', field: 'electedOn', aliases: ['换届时间'], parse: date },
    { key: 'term_years', zh: '任期年限', field: 'termYears', aliases: ['任期'], parse: termYears },
    { key: 'established_on', zh: '成立日期', field: 'establishedOn', aliases: ['成立时间'], parse: date },
  ],

  validate(rec, row) {
    const r = rec as Partial<Record<keyof Org, unknown>>;
    if (r.kind === 'branch') {
      const need: [keyof Org, string, string][] = [
        ['parent', '上级组织编码', 'parent'],
        ['domain', '领域', 'domain'],
        ['members', '党员人数', 'members'],
        ['establishedOn', '成立日期', 'established_on'],
      ];
      for (const [field, zh, key] of need) {
        if (r[field] === null) row.fail(key, `党支部必须填写${zh}`, `${key} is required for a branch`);
      }
    }
    if (typeof r.code === 'string' && r.parent === r.code) {
      row.fail('parent', '上级组织不能是自身', 'an org cannot be its own parent', r.parent);
    }
    // A code seen in a bad row still "exists" for the rows that refer to it: one error, not a cascade.
    if (typeof r.code === 'string' && !row.cmd.orgs.get(r.code)) {
      const kind = typeof r.kind === 'string' ? (r.kind as OrgKind) : 'committee';
      row.cmd.orgs.put(r.code, { id: null, kind, parent: typeof r.parent === 'string' ? r.parent : null, invalid: true });
    }
    return { ...(rec as unknown as Org), groups: (r.groups as number | null) ?? 0 };
  },

  openWriter(cmd) {
    return new OrgsWriter(cmd);
  },
};
