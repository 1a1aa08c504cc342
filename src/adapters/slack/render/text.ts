import type { types } from '@slack/bolt';

// Block Kit text objects, clipped to Slack's documented limits so a long customer name or a
// 2000-character field never makes Slack refuse the whole view
// (https://docs.slack.dev/reference/block-kit/blocks, .../composition-objects).

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type PlainTextOption = types.PlainTextOption;

export const LIMITS = {
  viewTitle: 24,
  viewButton: 24,
  viewBlocks: 100,
  messageBlocks: 50,
  privateMetadata: 3000,
  sectionText: 3000,
  fieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  inputMaxLength: 3000,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  radioOptions: 10,
  checkboxOptions: 10,
  blockId: 255,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** Cuts to `max` characters with an ellipsis, never inside a surrogate pair or an &entity;. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

/** mrkdwn treats & < > as control characters: escape anything a person typed. */
export const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// Slack refuses an empty text object: a single space stands in.
export const plain = (text: string, max: number = LIMITS.sectionText) => ({ type: 'plain_text' as const, text: clip(text || ' ', max), emoji: true });
export const md = (text: string, max: number = LIMITS.sectionText) => ({ type: 'mrkdwn' as const, text: clip(text || ' ', max) });

export const option = (value: string, label: string): PlainTextOption => ({ text: plain(label, LIMITS.optionText), value: value.slice(0, LIMITS.optionValue) });

/**
 * private_metadata as compact JSON under 3000 characters. `shrink` names a string property that
 * may be shortened (a message quoted into a form) until the whole thing fits.
 */
export function metadata(data: Record<string, unknown>, shrink?: (d: Record<string, unknown>, budget: number) => Record<string, unknown>): string {
  let json = JSON.stringify(data);
  let budget = 2000;
  while (json.length > LIMITS.privateMetadata && shrink && budget > 0) {
    json = JSON.stringify(shrink(data, budget));
    budget -= 500;
  }
  return json.length > LIMITS.privateMetadata ? '{}' : json;
}

export function readMetadata<T>(raw: string | undefined): Partial<T> {
  try {
    return raw ? (JSON.parse(raw) as Partial<T>) : {};
  } catch {
    return {};
  }
}
