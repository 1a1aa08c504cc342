// Every callback, action and block id the Slack adapter uses, defined once: renderers write
// them, listeners match them. Block ids of form inputs are the catalog field ids (prefixed), so a
// validation error keyed by field goes back next to that field (`response_action: errors`).

export const COMMAND = '/support';

export const CALLBACK = {
  picker: 'backline.picker',
  form: 'backline.form',
  action: 'backline.action',
  details: 'backline.details',
  done: 'backline.done',
  fromMessage: 'backline.from_message',
} as const;

export const ACTION = {
  chooseType: 'picker.choose',
  homeOpen: 'home.open',
  homeNew: 'home.new',
  link: 'link.open',
  /** The snooze button of a reminder: `reminder.snooze:<n>`, value = hours. */
  snooze: 'reminder.snooze',
  /** Card buttons: `card.<CardAction id>`. */
  cardPrefix: 'card.',
  /** The single action id inside every input block; the block id says which field it is. */
  value: 'value',
} as const;

/** Fixed blocks of the request form, next to `f.<fieldId>` for catalog fields. */
export const BLOCK = {
  unit: 'unit',
  precondition: 'precondition',
  fieldPrefix: 'f.',
  /** Inputs of action modals (reason, link, rating, ...). */
  text: 'text',
  link: 'link',
  note: 'note',
  rating: 'rating',
  person: 'person',
  position: 'position',
} as const;

export const fieldBlockId = (fieldId: string) => `${BLOCK.fieldPrefix}${fieldId}`;

/** The domain names form fields; Slack needs the block id that holds each one. */
export function blockForField(field: string): string {
  if (field === 'unit' || field === 'precondition') return field;
  return fieldBlockId(field);
}

/** Request id and the card version the button was rendered at: `12:3`. */
export const cardRef = (requestId: number, version: number) => `${requestId}:${version}`;

export function parseCardRef(value: string | undefined): { requestId: number; version: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  return m ? { requestId: Number(m[1]), version: Number(m[2]) } : undefined;
}
