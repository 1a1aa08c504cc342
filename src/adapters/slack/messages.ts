import { defineMessages, extendMessages, translator } from '../../core/i18n/i18n.js';
import { messages, type MessageKey } from '../../core/i18n/messages.js';

// Strings only the Slack adapter shows; shared ones (statuses, actions, errors, form labels) are in core.
export const slackMessages = defineMessages({
  en: {
    'not_linked': 'Your Slack account ({user}) is not linked to anyone in Backline. Ask your admin to add `slack: {user}` to your entry in the org config.',
    'picker.from_message': 'From a message: {link}',
    'form.from_message': 'Prefilled from <{link}|a message>.',
    'form.help': 'Fields marked optional can stay empty.',
    'done.body': 'Request #{id} is filed. Its card is in your messages with Backline and is updated on every change.',
    'done.close': 'Close',
    'details.title': 'Request #{id}',
    'modal.send': 'Send',
    'modal.cancel': 'Cancel',
    'modal.failed': 'Slack did not open the form ({reason}). Please try /support again.',
    'stale': 'This card is out of date. {last} Current status: {status}.',
    'home.title': 'Backline',
    'home.intro': 'Your requests and what waits on you.',
    'home.new': 'New request',
    'home.open': 'Open',
    'card.fallback': '{title}: {status}',
    'card.thread_hint': 'Reply in this thread to comment on the request.',
    'comment.line': '*{author}*: {body}',
    'confirm.withdraw': 'Withdraw this request? Nobody has acted on it yet.',
    'confirm.title': 'Are you sure?',
    'confirm.yes': 'Yes',
    'confirm.no': 'No',
  },
  'zh-CN': {
    'not_linked': '你的 Slack 账号({user})尚未关联到 Backline 中的人员。请管理员在组织配置中你的条目下添加 `slack: {user}`。',
    'picker.from_message': '来自消息:{link}',
    'form.from_message': '已从<{link}|一条消息>预填。',
    'form.help': '标为可选的字段可以留空。',
    'done.body': '申请 #{id} 已提交。申请卡片在你与 Backline 的私信中,每次进展都会更新。',
    'done.close': '关闭',
    'details.title': '申请 #{id}',
    'modal.send': '发送',
    'modal.cancel': '取消',
    'modal.failed': 'Slack 未能打开表单({reason})。请重新输入 /support。',
    'stale': '此卡片已过期。{last} 当前状态:{status}。',
    'home.title': 'Backline',
    'home.intro': '我的申请和待我处理的事项。',
    'home.new': '新建申请',
    'home.open': '打开',
    'card.fallback': '{title}:{status}',
    'card.thread_hint': '在此消息串中回复即可评论该申请。',
    'comment.line': '*{author}*:{body}',
    'confirm.withdraw': '确定撤回此申请?目前还没有人处理。',
    'confirm.title': '确定吗?',
    'confirm.yes': '确定',
    'confirm.no': '取消',
  },
});

export type SlackMessageKey = keyof typeof slackMessages.en;
/** This adapter's strings and the shared ones (core/i18n/messages.ts). */
export const st = translator<SlackMessageKey | MessageKey>(extendMessages(messages, slackMessages));
