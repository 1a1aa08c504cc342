import { z } from 'zod';
import type { CardAction } from '../../core/views/model.js';

// What a button carries back in card.action.trigger `event.action.value`, defined once:
// renderers write these, the handler parses them. Short keys keep cards small.

const ACTION_IDS = [
  'approve', 'reject', 'return', 'resubmit', 'assign', 'decline', 'accept', 'start', 'deliver', 'confirm',
  'reopen', 'cancel', 'withdraw', 'comment', 'transfer', 'add_approver', 'nudge', 'watch', 'summary', 'details',
] as const satisfies ReadonlyArray<CardAction['id']>;

const actionId = z.enum(ACTION_IDS);
const id = z.coerce.number().int().positive();

export const callbackValue = z.discriminatedUnion('k', [
  /** Picker: open the form of this type. */
  z.object({ k: z.literal('pick'), t: z.string() }),
  /** Request form: submit. */
  z.object({ k: z.literal('submit'), t: z.string() }),
  /** A card button, rendered at card version v. */
  z.object({ k: z.literal('act'), a: actionId, r: id, v: z.coerce.number().int() }),
  /** "Send" of the inline form a button opened (reason, rating, supporter …). */
  z.object({ k: z.literal('do'), a: actionId, r: id, v: z.coerce.number().int() }),
  /** "Cancel" of that inline form: back to the plain card. */
  z.object({ k: z.literal('back'), r: id }),
  /** A list row or a reminder: show this request's card. */
  z.object({ k: z.literal('open'), r: id }),
  /** "New request" on the list card. */
  z.object({ k: z.literal('new') }),
  /** A reminder's snooze button: no reminders for h hours. */
  z.object({ k: z.literal('snooze'), h: z.coerce.number() }),
]);

export type CallbackValue = z.infer<typeof callbackValue>;
export type ActionId = z.infer<typeof actionId>;

/** Fixed names inside form containers, next to `f_<fieldId>` for catalog fields. */
export const NAME = {
  requestForm: 'request',
  actionForm: 'action',
  precondition: 'precondition',
  unit: 'unit',
  fieldPrefix: 'f_',
  text: 'text',
  link: 'link',
  note: 'note',
  rating: 'rating',
  person: 'person',
  position: 'position',
  submit: 'submit',
  cancel: 'cancel',
} as const;

export const fieldName = (fieldId: string) => `${NAME.fieldPrefix}${fieldId}`;

/** Bot menu event_keys (manifests/feishu.md tells admins to configure these). */
export const MENU = { newRequest: 'new_request', myRequests: 'my_requests', digest: 'my_digest', help: 'help' } as const;
