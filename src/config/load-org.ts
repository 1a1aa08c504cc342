import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { defaultCatalog } from '../core/catalog/default-catalog.js';
import type { FieldDef } from '../core/catalog/types.js';
import { Org } from '../core/org.js';
import { orgConfigSchema, requestTypeSchema } from './org-schema.js';

export interface ConfigIssue {
  /** Where, as an admin reads it: people[3].slack */
  path: string;
  message: string;
}

export class OrgConfigError extends Error {
  constructor(readonly file: string, readonly issues: ConfigIssue[]) {
    super(`${file}: ${issues.length} problem(s)\n` + issues.map((i) => `  ${i.path}: ${i.message}`).join('\n'));
    this.name = 'OrgConfigError';
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

export function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Which file to load: BACKLINE_CONFIG, else config/org.yaml, else the shipped demo. */
export function resolveConfigPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.BACKLINE_CONFIG) return env.BACKLINE_CONFIG;
  const own = `${cwd}/config/org.yaml`;
  return existsSync(own) ? own : `${cwd}/config/org.example.yaml`;
}

/** Parses and validates YAML text into an Org; throws OrgConfigError listing every problem. */
export function parseOrgConfig(text: string, file = 'org config'): Org {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new OrgConfigError(file, doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: (e.message.split('\n')[0] ?? e.message).replace(/:\s*$/, '') })));
  }
  const parsed = orgConfigSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new OrgConfigError(file, zodIssues(parsed.error));
  const org = new Org(parsed.data, defaultCatalog);
  const issues = crossCheck(org);
  if (issues.length > 0) throw new OrgConfigError(file, issues);
  return org;
}

export function loadOrgConfig(file: string): Org {
  if (!existsSync(file)) throw new OrgConfigError(file, [{ path: '(file)', message: 'not found: set BACKLINE_CONFIG or create config/org.yaml (copy config/org.example.yaml)' }]);
  return parseOrgConfig(readFileSync(file, 'utf8'), file);
}

/** References between sections that a schema alone cannot check. */
function crossCheck(org: Org): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const data = org.data;
  const known = new Set<string>();
  data.people.forEach((p, i) => {
    if (known.has(p.id)) issues.push({ path: `people[${i}].id`, message: `duplicate person id "${p.id}"` });
    known.add(p.id);
  });
  const needPerson = (path: string, id: string | undefined) => {
    if (id && !known.has(id)) issues.push({ path, message: `unknown person "${id}": add them under people or fix the id` });
  };
  const seenIds = (list: Array<{ id?: string }>, at: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (x.id && seen.has(x.id)) issues.push({ path: `${at}[${i}].id`, message: `duplicate ${what} id "${x.id}"` });
      if (x.id) seen.add(x.id);
    });
  };
  seenIds(data.units, 'units', 'unit');
  const slackSeen = new Map<string, number>();
  const feishuSeen = new Map<string, number>();
  data.people.forEach((p, i) => {
    needPerson(`people[${i}].manager`, p.manager);
    needPerson(`people[${i}].away.delegate`, p.away?.delegate);
    if (p.manager === p.id) issues.push({ path: `people[${i}].manager`, message: 'a person cannot be their own manager' });
    if (p.away && p.away.delegate === p.id) issues.push({ path: `people[${i}].away.delegate`, message: 'a person cannot delegate to themselves' });
    if (p.away && p.away.from > p.away.until) issues.push({ path: `people[${i}].away`, message: 'from must not be after until' });
    if (p.slack) {
      const j = slackSeen.get(p.slack);
      if (j !== undefined) issues.push({ path: `people[${i}].slack`, message: `Slack id ${p.slack} is already used by people[${j}]` });
      slackSeen.set(p.slack, i);
    }
    if (p.feishu) {
      const j = feishuSeen.get(p.feishu);
      if (j !== undefined) issues.push({ path: `people[${i}].feishu`, message: `Feishu open_id ${p.feishu} is already used by people[${j}]` });
      feishuSeen.set(p.feishu, i);
    }
  });
  for (const [role, ids] of Object.entries(data.company.roles)) ids?.forEach((id, k) => needPerson(`company.roles.${role}[${k}]`, id));
  data.units.forEach((u, i) => {
    for (const [role, ids] of Object.entries(u.roles)) ids?.forEach((id, k) => needPerson(`units[${i}].roles.${role}[${k}]`, id));
  });
  const unitIds = new Set(data.units.map((u) => u.id));
  data.digests.forEach((d, i) => {
    needPerson(`digests[${i}].to`, d.to);
    d.units.forEach((u, k) => {
      if (!unitIds.has(u)) issues.push({ path: `digests[${i}].units[${k}]`, message: `unknown unit "${u}"` });
    });
  });
  for (const id of Object.keys(data.catalog.overrides)) {
    if (!org.type(id)) issues.push({ path: `catalog.overrides.${id}`, message: `unknown request type "${id}"` });
  }
  seenIds(org.catalog, 'catalog', 'request type');
  // Each type, after overrides, must still be a valid type and its conditions must resolve.
  org.catalog.forEach((type) => {
    const at = data.catalog.overrides[type.id] ? `catalog.overrides.${type.id}` : `catalog(${type.id})`;
    const full = requestTypeSchema.safeParse(type);
    if (!full.success) for (const i of zodIssues(full.error)) issues.push({ path: `${at}.${i.path}`, message: i.message });
    const fields = new Map<string, FieldDef>(type.fields.map((f) => [f.id, f]));
    type.approvals.forEach((step, s) => {
      step.when?.forEach((c, k) => {
        const f = fields.get(c.field);
        if (!f || (f.kind !== 'number' && f.kind !== 'money')) {
          issues.push({ path: `${at}.approvals[${s}].when[${k}].field`, message: `"${c.field}" is not a number or money field of ${type.id}` });
        }
        if (org.threshold(c.threshold) === undefined) {
          issues.push({ path: `${at}.approvals[${s}].when[${k}].threshold`, message: `no threshold "${String(c.threshold)}": add it under thresholds (e.g. thresholds.price.buLeaderDiscountPct: 15)` });
        }
      });
    });
    if (type.titleField && !fields.has(type.titleField)) issues.push({ path: `${at}.titleField`, message: `no field "${type.titleField}" in ${type.id}` });
  });
  return issues;
}

/** Roles that nobody holds for a type's routing in some unit: reported by the config check, not fatal. */
export function routingGaps(org: Org): ConfigIssue[] {
  const gaps: ConfigIssue[] = [];
  for (const unit of org.allUnits()) {
    for (const type of org.catalog) {
      const roles = new Set([type.coordinatorRole, type.supporterRole, ...type.approvals.flatMap((a) => [...a.approvers, ...(a.onDisagree ? [a.onDisagree.role] : [])])]);
      for (const role of roles) {
        if (org.holders(role, unit.id).length === 0) gaps.push({ path: `units(${unit.id}).roles.${role}`, message: `nobody holds ${role} for ${type.id} in ${unit.id}` });
      }
    }
  }
  return gaps;
}
