import { LIMITS } from '../../../src/adapters/slack/render/text.js';

// Checks a view or message against Slack's documented Block Kit limits
// (https://docs.slack.dev/reference/block-kit/blocks, /views, /composition-objects).
// Returns every violation as "path: problem", so a failing test says exactly what broke.

type Json = Record<string, unknown>;

export function checkView(view: Json): string[] {
  const problems: string[] = [];
  const text = (o: unknown) => ((o as Json | undefined)?.text as string | undefined) ?? '';
  if (view.type === 'modal') {
    if (text(view.title).length > LIMITS.viewTitle || !text(view.title)) problems.push(`title: "${text(view.title)}" (${text(view.title).length} > 24 or empty)`);
    if (view.submit && text(view.submit).length > LIMITS.viewButton) problems.push(`submit: "${text(view.submit)}" > 24`);
    if (view.close && text(view.close).length > LIMITS.viewButton) problems.push(`close: "${text(view.close)}" > 24`);
    if (typeof view.callback_id === 'string' && view.callback_id.length > 255) problems.push('callback_id > 255');
    const hasInput = (view.blocks as Json[]).some((b) => b.type === 'input');
    if (hasInput && !view.submit) problems.push('a modal with inputs needs a submit button');
  }
  if (typeof view.private_metadata === 'string') {
    if (view.private_metadata.length > LIMITS.privateMetadata) problems.push(`private_metadata: ${view.private_metadata.length} > 3000`);
    JSON.parse(view.private_metadata);
  }
  problems.push(...checkBlocks(view.blocks as Json[], LIMITS.viewBlocks));
  return problems;
}

export function checkMessage(msg: { text?: string; blocks: unknown[] }): string[] {
  const problems = checkBlocks(msg.blocks as Json[], LIMITS.messageBlocks);
  if (!msg.text) problems.push('message: a fallback text is required for notifications');
  if ((msg.text ?? '').length > 40_000) problems.push('message text > 40000');
  return problems;
}

function checkBlocks(blocks: Json[], max: number): string[] {
  const p: string[] = [];
  if (blocks.length > max) p.push(`blocks: ${blocks.length} > ${max}`);
  if (blocks.length === 0) p.push('blocks: empty');
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const len = (o: unknown) => ((o as Json | undefined)?.text as string | undefined)?.length ?? 0;
  const textObj = (where: string, o: unknown, maxLen: number, required = true) => {
    if (!o) {
      if (required) p.push(`${where}: missing text`);
      return;
    }
    const t = (o as Json).text as string;
    if (!t || !t.trim()) p.push(`${where}: empty text`);
    if (len(o) > maxLen) p.push(`${where}: ${len(o)} > ${maxLen}`);
  };
  const option = (where: string, o: Json) => {
    textObj(`${where}.text`, o.text, LIMITS.optionText);
    if (typeof o.value !== 'string' || o.value.length > LIMITS.optionValue) p.push(`${where}.value: bad or > 150`);
  };
  const element = (where: string, e: Json) => {
    const id = e.action_id as string | undefined;
    if (id !== undefined) {
      if (id.length > LIMITS.actionId) p.push(`${where}.action_id > 255`);
      // Slack wants action ids unique within their block.
      const key = `${/^blocks\[\d+\]/.exec(where)?.[0] ?? ''}|${id}`;
      if (actionIds.has(key)) p.push(`${where}: duplicate action_id ${id}`);
      actionIds.add(key);
    }
    switch (e.type) {
      case 'button':
        textObj(`${where}.text`, e.text, LIMITS.buttonText);
        if (typeof e.value === 'string' && e.value.length > LIMITS.buttonValue) p.push(`${where}.value > 2000`);
        if (e.confirm) {
          const c = e.confirm as Json;
          textObj(`${where}.confirm.title`, c.title, LIMITS.confirmTitle);
          textObj(`${where}.confirm.text`, c.text, LIMITS.confirmText);
          textObj(`${where}.confirm.confirm`, c.confirm, LIMITS.confirmButton);
          textObj(`${where}.confirm.deny`, c.deny, LIMITS.confirmButton);
        }
        break;
      case 'static_select':
      case 'multi_static_select': {
        const opts = (e.options as Json[] | undefined) ?? [];
        if (opts.length === 0 || opts.length > LIMITS.selectOptions) p.push(`${where}.options: ${opts.length} (1..100)`);
        opts.forEach((o, i) => option(`${where}.options[${i}]`, o));
        break;
      }
      case 'radio_buttons':
      case 'checkboxes': {
        const opts = (e.options as Json[] | undefined) ?? [];
        if (opts.length === 0 || opts.length > LIMITS.radioOptions) p.push(`${where}.options: ${opts.length} (1..10)`);
        opts.forEach((o, i) => option(`${where}.options[${i}]`, o));
        break;
      }
      case 'plain_text_input': {
        const m = e.max_length as number | undefined;
        if (m !== undefined && (m < 1 || m > LIMITS.inputMaxLength)) p.push(`${where}.max_length ${m} > 3000`);
        if (typeof e.initial_value === 'string' && m !== undefined && e.initial_value.length > m) p.push(`${where}.initial_value longer than max_length`);
        break;
      }
      case 'number_input':
        if (typeof e.is_decimal_allowed !== 'boolean') p.push(`${where}.is_decimal_allowed required`);
        break;
      default:
        break;
    }
    if (e.placeholder) textObj(`${where}.placeholder`, e.placeholder, LIMITS.placeholder);
  };
  blocks.forEach((b, i) => {
    const where = `blocks[${i}](${String(b.block_id ?? b.type)})`;
    const id = b.block_id as string | undefined;
    if (id !== undefined) {
      if (id.length > LIMITS.blockId) p.push(`${where}.block_id > 255`);
      if (blockIds.has(id)) p.push(`${where}: duplicate block_id ${id}`);
      blockIds.add(id);
    }
    switch (b.type) {
      case 'header':
        textObj(`${where}.text`, b.text, LIMITS.headerText);
        break;
      case 'section': {
        if (!b.text && !b.fields) p.push(`${where}: needs text or fields`);
        if (b.text) textObj(`${where}.text`, b.text, LIMITS.sectionText);
        const fields = (b.fields as Json[] | undefined) ?? [];
        if (fields.length > LIMITS.sectionFields) p.push(`${where}.fields: ${fields.length} > 10`);
        fields.forEach((f, j) => textObj(`${where}.fields[${j}]`, f, LIMITS.fieldText));
        if (b.accessory) element(`${where}.accessory`, b.accessory as Json);
        break;
      }
      case 'context': {
        const els = (b.elements as Json[]) ?? [];
        if (els.length === 0 || els.length > LIMITS.contextElements) p.push(`${where}.elements: ${els.length} (1..10)`);
        els.forEach((e, j) => textObj(`${where}.elements[${j}]`, e, LIMITS.sectionText));
        break;
      }
      case 'actions': {
        const els = (b.elements as Json[]) ?? [];
        if (els.length === 0 || els.length > LIMITS.actionsElements) p.push(`${where}.elements: ${els.length} (1..25)`);
        els.forEach((e, j) => element(`${where}.elements[${j}]`, e));
        break;
      }
      case 'input':
        textObj(`${where}.label`, b.label, LIMITS.inputLabel);
        if (b.hint) textObj(`${where}.hint`, b.hint, LIMITS.inputHint);
        element(`${where}.element`, b.element as Json);
        break;
      case 'divider':
        break;
      default:
        p.push(`${where}: unexpected block type ${String(b.type)}`);
    }
  });
  return p;
}
