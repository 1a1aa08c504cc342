import type { Tone } from '../../../core/views/model.js';

// Card JSON 2.0 building blocks, clipped to Feishu's documented limits so a long customer name
// or a 2000-character field never makes Feishu refuse the whole card
// (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure).

export type Json = Record<string, unknown>;
export type Element = Json & { tag: string };

export interface Card {
  schema: '2.0';
  config: Json;
  header?: Json;
  body: { direction?: 'vertical'; elements: Element[] };
}

export const LIMITS = {
  /** The whole card JSON (content of the message) in bytes. */
  cardBytes: 30 * 1024,
  /** Components per card, containers and their children counted. */
  elements: 200,
  elementId: 20,
  buttonText: 40,
  titleText: 100,
  markdown: 4000,
  inputMaxLength: 1000,
  optionText: 100,
  selectOptions: 100,
} as const;

/** Cuts to `max` characters with an ellipsis, never inside a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

// Feishu markdown treats these as syntax (and <at>, <font> as tags): escape what people typed.
export const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([*_~`[\]])/g, '\\$1');

export const plain = (content: string, max: number = LIMITS.markdown) => ({ tag: 'plain_text', content: clip(content || ' ', max) });
export const md = (content: string, elementId?: string): Element => ({ tag: 'markdown', content: clip(content || ' ', LIMITS.markdown), ...(elementId ? { element_id: elementId } : {}) });
export const hr = (): Element => ({ tag: 'hr' });
export const red = (text: string) => `<font color='red'>${esc(text)}</font>`;

/** element_id: a letter first, then letters, digits and underscores, at most 20 characters. */
export const elementId = (raw: string): string => {
  const id = raw.replace(/[^A-Za-z0-9_]/g, '_').slice(0, LIMITS.elementId);
  return /^[A-Za-z]/.test(id) ? id : `e${id}`.slice(0, LIMITS.elementId);
};

export const HEADER_COLOR: Record<Tone, string> = { neutral: 'blue', waiting: 'orange', good: 'green', bad: 'red' };
export const TAG_COLOR: Record<Tone, string> = { neutral: 'blue', waiting: 'orange', good: 'green', bad: 'red' };

export function card(opts: { title: string; subtitle?: string; tone?: Tone; tag?: string; summary?: string; elements: Element[] }): Card {
  const tone = opts.tone ?? 'neutral';
  return {
    schema: '2.0',
    // update_multi: one shared card everybody sees the same way, and patchable later (im.v1.message.patch).
    config: { update_multi: true, ...(opts.summary ? { summary: { content: clip(opts.summary, 100) } } : {}) },
    header: {
      title: plain(opts.title, LIMITS.titleText),
      ...(opts.subtitle ? { subtitle: plain(opts.subtitle, LIMITS.titleText) } : {}),
      template: HEADER_COLOR[tone],
      ...(opts.tag ? { text_tag_list: [{ tag: 'text_tag', element_id: 'status', text: plain(opts.tag, 40), color: TAG_COLOR[tone] }] } : {}),
    },
    body: { direction: 'vertical', elements: opts.elements },
  };
}

/** A button whose click comes back as card.action.trigger with `value`. */
export function button(label: string, value: Json, opts: { style?: 'primary' | 'danger' | 'default'; id?: string; submit?: boolean; reset?: boolean; name?: string; url?: string } = {}): Element {
  const type = opts.style === 'primary' ? 'primary_filled' : opts.style === 'danger' ? 'danger' : 'default';
  return {
    tag: 'button',
    ...(opts.id ? { element_id: elementId(opts.id) } : {}),
    text: plain(label, LIMITS.buttonText),
    type,
    ...(opts.submit ? { form_action_type: 'submit', name: opts.name ?? 'submit' } : opts.reset ? { form_action_type: 'reset', name: opts.name ?? 'reset' } : {}),
    behaviors: opts.url ? [{ type: 'open_url', default_url: opts.url }] : [{ type: 'callback', value }],
  };
}

/** Buttons side by side, wrapping on narrow screens. */
export function buttonRow(buttons: Element[], id: string): Element {
  return {
    tag: 'column_set', element_id: elementId(id), flex_mode: 'flow', horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

export const option = (value: string, label: string) => ({ text: plain(label, LIMITS.optionText), value });

/** The message content as Feishu counts it: UTF-8 bytes of the JSON string. */
export const cardBytes = (c: unknown): number => Buffer.byteLength(JSON.stringify(c), 'utf8');
