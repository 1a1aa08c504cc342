import type { ListView } from '../../../core/views/model.js';
import { ACTION } from '../ids.js';
import { st } from '../messages.js';
import { esc, LIMITS, md, plain, type HomeView, type KnownBlock } from './text.js';

/** The list sections as blocks: a header per section, one row per request with an Open button. */
export function listBlocks(list: ListView, maxBlocks: number): KnownBlock[] {
  const l = list.locale;
  const blocks: KnownBlock[] = [];
  // Three fixed blocks per section (divider, header, maybe "nothing here"); rows share the rest.
  const perSection = Math.max(1, Math.floor((maxBlocks - list.sections.length * 3) / Math.max(1, list.sections.length)));
  for (const s of list.sections) {
    blocks.push({ type: 'divider', block_id: `d.${s.id}` }, { type: 'header', block_id: `h.${s.id}`, text: plain(s.title, LIMITS.headerText) });
    if (s.items.length === 0) blocks.push({ type: 'context', block_id: `e.${s.id}`, elements: [md(esc(s.empty))] });
    for (const item of s.items.slice(0, perSection)) {
      const meta = [item.status, item.age, item.detail].filter(Boolean).map((x) => esc(String(x))).join(' · ');
      blocks.push({
        type: 'section', block_id: `i.${s.id}.${item.requestId}`,
        text: md(`*${esc(item.title)}*\n${meta}`),
        accessory: { type: 'button', action_id: `${ACTION.homeOpen}:${item.requestId}`, value: String(item.requestId), text: plain(st(l, 'home.open'), LIMITS.buttonText) },
      });
    }
  }
  return blocks.slice(0, maxBlocks);
}

/** App Home: waiting on me, my requests, my unit; each row with status, age and an Open button. */
export function renderHome(list: ListView): HomeView {
  const l = list.locale;
  const head: KnownBlock[] = [
    { type: 'header', block_id: 'title', text: plain(st(l, 'home.title'), LIMITS.headerText) },
    { type: 'context', block_id: 'intro', elements: [md(esc(st(l, 'home.intro')))] },
    { type: 'actions', block_id: 'new', elements: [{ type: 'button', action_id: ACTION.homeNew, style: 'primary', text: plain(st(l, 'home.new'), LIMITS.buttonText) }] },
  ];
  return { type: 'home', blocks: [...head, ...listBlocks(list, LIMITS.viewBlocks - head.length)] };
}

/** `/support list` as an ephemeral message (at most 50 blocks). */
export function renderListMessage(list: ListView): { text: string; blocks: KnownBlock[] } {
  return { text: list.sections.map((s) => `${s.title}: ${s.items.length}`).join(' · '), blocks: listBlocks(list, LIMITS.messageBlocks) };
}
