import { DateTime } from 'luxon';
import type { OrgConfigData, PersonConfig, UnitConfig } from '../config/org-schema.js';
import { mergeCatalog } from './catalog/merge.js';
import type { Catalog, Locale, RequestTypeDef, RoleId } from './catalog/types.js';

export interface BusinessCalendar {
  timezone: string;
  start: string;
  end: string;
  days: number[];
  holidays: ReadonlySet<string>;
}

/**
 * The loaded org config with the lookups everything else needs. Immutable: a reload builds a new
 * Org and swaps it in, so a request in flight sees one consistent config.
 */
export class Org {
  readonly catalog: RequestTypeDef[];
  private readonly people = new Map<string, PersonConfig>();
  private readonly bySlack = new Map<string, PersonConfig>();
  private readonly byFeishu = new Map<string, PersonConfig>();
  private readonly units = new Map<string, UnitConfig>();

  constructor(readonly data: OrgConfigData, baseCatalog: Catalog) {
    this.catalog = mergeCatalog(baseCatalog, data.catalog as never);
    for (const p of data.people) {
      this.people.set(p.id, p);
      if (p.slack) this.bySlack.set(p.slack, p);
      if (p.feishu) this.byFeishu.set(p.feishu, p);
    }
    for (const u of data.units) this.units.set(u.id, u);
  }

  get name(): string {
    return this.data.organization.name;
  }

  allPeople(): PersonConfig[] {
    return this.data.people;
  }

  person(id: string): PersonConfig | undefined {
    return this.people.get(id);
  }

  personBySlack(userId: string): PersonConfig | undefined {
    return this.bySlack.get(userId);
  }

  personByFeishu(openId: string): PersonConfig | undefined {
    return this.byFeishu.get(openId);
  }

  displayName(id: string): string {
    return this.people.get(id)?.name ?? id;
  }

  allUnits(): UnitConfig[] {
    return this.data.units;
  }

  unit(id: string): UnitConfig | undefined {
    return this.units.get(id);
  }

  unitName(id: string, locale: Locale): string {
    return this.units.get(id)?.name[locale] ?? id;
  }

  type(id: string): RequestTypeDef | undefined {
    return this.catalog.find((t) => t.id === id);
  }

  /** `/support <query>`: slug, zh or en name, or an unambiguous prefix of any of them. */
  findType(query: string): RequestTypeDef | undefined {
    const q = query.trim().toLowerCase();
    if (!q) return undefined;
    const names = (t: RequestTypeDef) => [t.id, t.label.en.toLowerCase(), t.label['zh-CN']];
    const exact = this.catalog.find((t) => names(t).includes(q));
    if (exact) return exact;
    const prefixed = this.catalog.filter((t) => names(t).some((n) => n.startsWith(q)));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  /** People holding a role in a unit; company-wide holders when the unit names none. */
  holders(role: RoleId, unitId: string): string[] {
    const own = this.units.get(unitId)?.roles[role];
    if (own && own.length > 0) return own;
    return this.data.company.roles[role] ?? [];
  }

  /** Units where the person holds any role (or all units for company-wide role holders). */
  unitsOf(personId: string): string[] {
    const companyWide = Object.values(this.data.company.roles).some((ids) => ids?.includes(personId));
    if (companyWide) return this.data.units.map((u) => u.id);
    return this.data.units
      .filter((u) => Object.values(u.roles).some((ids) => ids?.includes(personId)))
      .map((u) => u.id);
  }

  hasRole(personId: string, role: RoleId, unitId?: string): boolean {
    if (unitId) return this.holders(role, unitId).includes(personId);
    return (
      (this.data.company.roles[role]?.includes(personId) ?? false) ||
      this.data.units.some((u) => u.roles[role]?.includes(personId))
    );
  }

  threshold(key: string | number): number | undefined {
    if (typeof key === 'number') return key;
    const [group, name] = key.split('.');
    if (!group || !name) return undefined;
    return this.data.thresholds[group]?.[name];
  }

  locale(personId: string | undefined): Locale {
    return (personId && this.people.get(personId)?.locale) || this.data.organization.locale;
  }

  timezone(personId: string | undefined): string {
    return (personId && this.people.get(personId)?.timezone) || this.data.organization.timezone;
  }

  private readonly calendars = new Map<string, BusinessCalendar>();

  calendar(personId?: string): BusinessCalendar {
    const key = personId ?? '';
    let cal = this.calendars.get(key);
    if (!cal) {
      cal = this.buildCalendar(personId);
      this.calendars.set(key, cal);
    }
    return cal;
  }

  private buildCalendar(personId?: string): BusinessCalendar {
    const p = personId ? this.people.get(personId) : undefined;
    const hours = p?.businessHours ?? this.data.organization.businessHours;
    return {
      timezone: this.timezone(personId),
      start: hours.start,
      end: hours.end,
      days: hours.days,
      holidays: new Set([...this.data.organization.holidays, ...(p?.holidays ?? [])]),
    };
  }

  manager(personId: string): string | undefined {
    return this.people.get(personId)?.manager;
  }

  /** The delegate acting for `personId` at `now`, if they are away. */
  delegateOf(personId: string, now: Date): string | undefined {
    const away = this.people.get(personId)?.away;
    if (!away) return undefined;
    const zone = this.timezone(personId);
    const day = DateTime.fromJSDate(now, { zone }).toISODate() ?? '';
    return day >= away.from && day <= away.until ? away.delegate : undefined;
  }

  /** People this person may act for right now (themselves first). */
  actingFor(personId: string, now: Date): string[] {
    const principals = this.data.people.filter((p) => this.delegateOf(p.id, now) === personId).map((p) => p.id);
    return [personId, ...principals];
  }
}
