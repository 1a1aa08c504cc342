import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Manifest } from '@slack/web-api/dist/types/request/manifest.js';
import { EVENTS_PATH } from '../../../src/adapters/slack/index.js';
import { CALLBACK, COMMAND } from '../../../src/adapters/slack/ids.js';

// manifests/slack.yaml is what an admin pastes into Slack's "create from manifest": it must ask
// for what the adapter handles and the scopes the calls it makes need, and stay inside the
// manifest's documented limits (Slack refuses the whole manifest otherwise).
// https://docs.slack.dev/reference/app-manifest, and @slack/web-api's Manifest type.

const manifest = parse(readFileSync(new URL('../../../manifests/slack.yaml', import.meta.url), 'utf8')) as Manifest;

describe('the Slack app manifest', () => {
  it('declares /support, the message shortcut and App Home as the adapter handles them', () => {
    expect(manifest.features?.slash_commands?.map((c) => c.command)).toEqual([COMMAND]);
    expect(manifest.features?.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: CALLBACK.fromMessage })]);
    expect(manifest.features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual(expect.arrayContaining(['app_home_opened', 'message.im']));
    expect(typeof manifest.settings?.socket_mode_enabled).toBe('boolean');
  });

  it('points every request URL at the one endpoint the adapter serves', () => {
    const urls = [
      ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
      manifest.settings?.event_subscriptions?.request_url,
      manifest.settings?.interactivity?.request_url,
      manifest.settings?.interactivity?.message_menu_options_url,
    ];
    for (const url of urls) expect(new URL(String(url)).pathname).toBe(EVENTS_PATH);
  });

  it('asks for the scopes the bot\'s calls and events need, and no others', () => {
    // commands: /support and the shortcut; chat:write: chat.postMessage / update / postEphemeral;
    // im:write: DMs; im:history: message.im (replies in a card's thread); users:read: users.info.
    expect([...(manifest.oauth_config?.scopes?.bot ?? [])].sort()).toEqual(['chat:write', 'commands', 'im:history', 'im:write', 'users:read']);
  });

  it('stays inside the manifest limits Slack enforces', () => {
    const info = manifest.display_information;
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description?.length ?? 0).toBeLessThanOrEqual(140);
    // Slack's app settings refuse a long description under 174 characters.
    expect(info.long_description?.length ?? 0).toBeGreaterThanOrEqual(174);
    expect(info.long_description?.length ?? 0).toBeLessThanOrEqual(4000);
    expect(manifest.features?.bot_user?.display_name.length ?? 0).toBeLessThanOrEqual(80);
    for (const c of manifest.features?.slash_commands ?? []) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.usage_hint?.length ?? 0).toBeLessThanOrEqual(1000);
    }
    for (const s of manifest.features?.shortcuts ?? []) {
      expect(s.callback_id.length).toBeLessThanOrEqual(255);
      expect(s.description.length).toBeLessThanOrEqual(150);
    }
  });
});
