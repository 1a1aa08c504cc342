import type { Org } from '../core/org.js';
import type { PrismaClient } from './prisma.js';

/** Mirrors the org config's people into the database so history and the dashboard can join on names. */
export async function syncPeople(prisma: PrismaClient, org: Org): Promise<number> {
  const people = org.allPeople();
  const ids = people.map((p) => p.id);
  await prisma.$transaction(async (tx) => {
    // Platform ids are unique: clear them first so a swap between two people does not collide.
    await tx.person.updateMany({ data: { slackUserId: null, feishuOpenId: null } });
    for (const p of people) {
      const data = {
        name: p.name, email: p.email ?? null, slackUserId: p.slack ?? null, feishuOpenId: p.feishu ?? null,
        locale: org.locale(p.id), timezone: org.timezone(p.id), managerId: p.manager ?? null,
        delegateId: p.away?.delegate ?? null,
        awayFrom: p.away ? new Date(`${p.away.from}T00:00:00Z`) : null,
        awayUntil: p.away ? new Date(`${p.away.until}T23:59:59Z`) : null,
        active: true,
      };
      await tx.person.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: data });
    }
    await tx.person.updateMany({ where: { id: { notIn: ids } }, data: { active: false } });
  });
  return people.length;
}
