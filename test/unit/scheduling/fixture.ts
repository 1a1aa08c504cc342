import { parseOrgConfig } from '../../../src/config/load-org.js';
import type { Org } from '../../../src/core/org.js';

// An org for scheduler tests: Shanghai (no daylight saving) and New York (DST ends 1 Nov 2026),
// a company holiday (National Day, 1 Oct 2026) and a personal one (Thanksgiving for ny.approver).
//  - east: coordinator pm.sh (manager boss.sh), supporter pe.sh, BU leader ny.approver (New York)
//  - rep.sh raises requests; boss.sh reads Chinese and gets the daily digest at 09:00 Shanghai
//  - ny.approver gets a digest at 08:00 New York time, skipEmpty
//  - at most 3 reminders per person per day
export const SCHED_YAML = `
organization:
  name: Sched Co
  timezone: Asia/Shanghai
  locale: en
  businessHours: { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }
  holidays: ["2026-10-01", "2026-10-02"]
  publicUrl: https://backline.example.com
people:
  - { id: rep.sh, name: Rep SH, unit: east, manager: boss.sh }
  - { id: boss.sh, name: Boss SH, locale: zh-CN }
  - { id: pm.sh, name: PM SH, manager: boss.sh }
  - { id: pe.sh, name: PE SH, manager: pm.sh }
  - { id: mk.sh, name: Marketer SH }
  - { id: ny.approver, name: NY Approver, timezone: America/New_York, holidays: ["2026-11-26"] }
company:
  roles:
    marketManager: [ny.approver]
units:
  - id: east
    name: { zh-CN: 华东, en: East }
    roles:
      presalesManager: [pm.sh]
      presalesEngineer: [pe.sh]
      buMarketer: [mk.sh]
      buLeader: [ny.approver]
reminders:
  firstAt: 0.5
  repeatEveryHours: 4
  escalateAt: 1.5
  maxPerPersonPerDay: 3
digests:
  - { to: boss.sh, units: [east], daily: "09:00", weekly: { day: 1, at: "09:30" }, skipEmpty: false }
  - { to: ny.approver, units: [east], daily: "08:00", weekly: { day: 5, at: "16:00" }, skipEmpty: true }
`;

export const schedOrg: Org = parseOrgConfig(SCHED_YAML, 'scheduler test fixture');

/** "2026-11-23T10:00" in Shanghai as a Date. */
export const sh = (local: string): Date => new Date(`${local}:00+08:00`);
