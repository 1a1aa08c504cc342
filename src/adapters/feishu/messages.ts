import { defineMessages, extendMessages, translator } from '../../core/i18n/i18n.js';
import { messages, type MessageKey } from '../../core/i18n/messages.js';

// Strings only the Feishu adapter shows; shared ones (statuses, actions, errors, form labels) are in core.
export const feishuMessages = defineMessages({
  en: {
    'not_linked': 'Your Feishu account ({user}) is not linked to anyone in Backline. Ask your admin to add `feishu: {user}` to your entry in the org config.',
    'form.required_mark': '(required)',
    'done.body': 'Request #{id} is filed. Its card arrives in this chat and is updated on every change.',
    'input.send': 'Send',
    'input.cancel': 'Cancel',
    'input.optional': 'optional',
    'stale': 'Already decided: {last}. Current status: {status}.',
    'done.toast': 'Done',
    'list.title': 'My requests',
    'list.new': 'New request',
    'list.open': 'Open',
    'card.summary': '{title}: {status}',
    'card.thread_hint': 'Reply to this card to comment on the request.',
    'comment.line': '{author} commented on #{id}: {body}',
    'unknown_command': 'I did not understand "{text}". Send "help" to see what I can do.',
  },
  'zh-CN': {
    'not_linked': '你的飞书账号({user})尚未关联到 Backline 中的人员。请管理员在组织配置中你的条目下添加 `feishu: {user}`。',
    'form.required_mark': '(必填)',
    'done.body': '申请 #{id} 已提交。申请卡片会发到本会话,每次进展都会更新。',
    'input.send': '发送',
    'input.cancel': '取消',
    'input.optional': '选填',
    'stale': '已处理:{last}。当前状态:{status}。',
    'done.toast': '已完成',
    'list.title': '我的申请',
    'list.new': '新建申请',
    'list.open': '打开',
    'card.summary': '{title}:{status}',
    'card.thread_hint': '回复此卡片即可评论该申请。',
    'comment.line': '{author} 评论了 #{id}:{body}',
    'unknown_command': '没有理解"{text}"。发送"帮助"或 help 查看可用指令。',
  },
});

export type FeishuMessageKey = keyof typeof feishuMessages.en;
/** This adapter's strings and the shared ones (core/i18n/messages.ts). */
export const fm = translator<FeishuMessageKey | MessageKey>(extendMessages(messages, feishuMessages));
