import type { Locale } from '../../../core/catalog/types.js';
import type { CardAction, MessageView, RequestCard, Tone } from '../../../core/views/model.js';
import { ACTION, cardRef } from '../ids.js';
import { st } from '../messages.js';
import { clip, esc, LIMITS, md, plain, type KnownBlock } from './text.js';

const TONE: Record<Tone, string> = { neutral: ':large_blue_circle:', waiting: ':large_yellow_circle:', good: ':large_green_circle:', bad: ':red_circle:' };

/** One request as Block Kit: the same facts for everyone, the buttons for this reader. */
export function renderCard(card: RequestCard): { text: string; blocks: KnownBlock[] } {
  const l = card.locale;
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'title', text: plain(card.title, LIMITS.headerText) },
    { type: 'section', block_id: 'status', text: md(`${esc(card.subtitle)}\n${TONE[card.status.tone]} *${esc(card.status.label)}*`) },
  ];
  if (card.yourTurn) blocks.push({ type: 'section', block_id: 'turn', text: md(`:point_right: *${esc(card.yourTurn)}*`) });
  if (card.facts.length > 0) {
    blocks.push({
      type: 'section', block_id: 'facts',
      fields: card.facts.slice(0, LIMITS.sectionFields).map((f) => md(`*${esc(f.label)}*\n${esc(f.value)}`, LIMITS.fieldText)),
    });
  }
  if (card.approvals.length > 0) {
    const lines = card.approvals.map((a) => `${a.state} ${esc(a.label)}${a.people ? `: ${esc(a.people)}` : ''}`);
    blocks.push({ type: 'section', block_id: 'approvals', text: md(lines.join('\n')) });
  }
  if (card.deliverables.length > 0) {
    const lines = card.deliverables.map((d) => (d.url ? `<${d.url}|${esc(clip(d.label, 200))}>` : esc(d.label)));
    blocks.push({ type: 'section', block_id: 'deliverables', text: md(`:package: ${lines.join('\n')}`) });
  }
  if (card.waitingOn) blocks.push({ type: 'context', block_id: 'waiting', elements: [md(`:hourglass_flowing_sand: ${esc(card.waitingOn)}`)] });
  if (card.history.length > 0) blocks.push({ type: 'context', block_id: 'history', elements: [md(card.history.map(esc).join('\n'))] });
  const buttons = renderButtons(card, l);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'actions', elements: buttons.slice(0, LIMITS.actionsElements) });
  return { text: st(l, 'card.fallback', { title: card.title, status: card.status.label }), blocks };
}

function renderButtons(card: RequestCard, l: Locale) {
  const value = cardRef(card.requestId, card.version);
  const buttons: Array<Record<string, unknown>> = card.actions.map((a: CardAction) => ({
    type: 'button',
    action_id: `${ACTION.cardPrefix}${a.id}`,
    text: plain(a.label, LIMITS.buttonText),
    value,
    ...(a.style !== 'default' ? { style: a.style } : {}),
    ...(a.id === 'withdraw' ? {
      confirm: {
        title: plain(st(l, 'confirm.title'), LIMITS.confirmTitle), text: plain(st(l, 'confirm.withdraw'), LIMITS.confirmText),
        confirm: plain(st(l, 'confirm.yes'), LIMITS.confirmButton), deny: plain(st(l, 'confirm.no'), LIMITS.confirmButton), style: 'danger',
      },
    } : {}),
  }));
  if (card.url) buttons.push({ type: 'button', action_id: ACTION.link, text: plain(st(l, 'card.open_console'), LIMITS.buttonText), url: card.url });
  return buttons as never[];
}

/** A one-line notice (status change, nudge) in the reader's language. */
export function renderNotice(text: string): { text: string; blocks: KnownBlock[] } {
  return { text: clip(text, 3000), blocks: [{ type: 'section', block_id: 'notice', text: md(esc(text)) }] };
}

/** A comment posted into a card's thread. */
export function renderComment(locale: Locale, author: string, body: string): { text: string; blocks: KnownBlock[] } {
  const line = st(locale, 'comment.line', { author: esc(author), body: esc(body) });
  return { text: clip(`${author}: ${body}`, 3000), blocks: [{ type: 'section', block_id: 'comment', text: md(line) }] };
}

/** Reminders and digests: sections of lines, buttons to open a request or the dashboard. */
export function renderMessageView(view: MessageView): { text: string; blocks: KnownBlock[] } {
  const l = view.locale;
  const blocks: KnownBlock[] = [{ type: 'header', block_id: 'title', text: plain(view.title, LIMITS.headerText) }];
  if (view.summary) blocks.push({ type: 'context', block_id: 'summary', elements: [md(esc(view.summary))] });
  // Room for the title, summary, chart and buttons; each section's lines are packed into
  // section blocks of at most 3000 characters.
  const budget = LIMITS.messageBlocks - 4;
  let dropped = 0;
  view.sections.forEach((s, si) => {
    const lines = [...(s.title ? [`*${esc(s.title)}*`] : []), ...s.lines.map((x) => esc(x.text))];
    let chunk = '';
    let part = 0;
    const flush = () => {
      if (!chunk) return;
      if (blocks.length < budget) blocks.push({ type: 'section', block_id: `s${si}.${part++}`, text: md(chunk) });
      else dropped++;
      chunk = '';
    };
    for (const line of lines) {
      if (chunk.length + line.length + 1 > LIMITS.sectionText) flush();
      chunk = chunk ? `${chunk}\n${clip(line, LIMITS.sectionText)}` : clip(line, LIMITS.sectionText);
    }
    flush();
  });
  if (dropped > 0) blocks.push({ type: 'context', block_id: 'more', elements: [md(st(l, 'message.more', { n: dropped }))] });
  if (view.chart) {
    const max = Math.max(1, ...view.chart.series.map((x) => x.value));
    const rows = view.chart.series.slice(0, 40).map((x) => `${esc(clip(x.label, 40))}  ${'█'.repeat(Math.round((x.value / max) * 20))} ${x.value}`);
    blocks.push({ type: 'section', block_id: 'chart', text: md(`*${esc(view.chart.title)}*\n\`\`\`${rows.join('\n')}\`\`\``) });
  }
  const buttons = view.actions.flatMap((a, i): Array<Record<string, unknown>> => {
    if (a.id === 'open' && a.requestId) return [{ type: 'button', action_id: `${ACTION.homeOpen}:${a.requestId}:${i}`, value: String(a.requestId), text: plain(a.label, LIMITS.buttonText) }];
    if (a.id === 'dashboard' && a.url) return [{ type: 'button', action_id: `${ACTION.link}:${i}`, url: a.url, text: plain(a.label, LIMITS.buttonText) }];
    if (a.id === 'snooze' && a.hours) return [{ type: 'button', action_id: `${ACTION.snooze}:${i}`, value: String(a.hours), text: plain(a.label, LIMITS.buttonText) }];
    return [];
  });
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'actions', elements: buttons.slice(0, LIMITS.actionsElements) as never[] });
  return { text: clip(view.summary ? `${view.title}: ${view.summary}` : view.title, 3000), blocks };
}
