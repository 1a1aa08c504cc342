import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI as an operator runs it: a real process, real files, exit codes.
const dir = mkdtempSync(join(tmpdir(), 'backline-cli-'));
const run = (args: string[], input?: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
  encoding: 'utf8', input, env: { ...process.env, DATABASE_URL: `file:${join(dir, 'cli.db')}`, BACKLINE_CONFIG: 'config/org.example.yaml', LOG_LEVEL: 'silent' },
});

describe('the backline command line', () => {
  it('validates the shipped demo config', () => {
    const r = run(['validate']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid \(30 people, 2 units, 13 request types\)/);
  });

  it('refuses a broken config with a non-zero exit and the path of each problem', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync('config/org.example.yaml', 'utf8').replace(/slack: U[A-Z0-9]+/, 'slack: nobody'));
    const r = run(['validate', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/people\[\d+\]\.slack: expected a Slack user id like U012AB3CD/);
  });

  it('creates a request from JSON, shows it with its audit trail and exports it as CSV', () => {
    const json = JSON.stringify({ customer: '招商银行', subject: '扩容报价', tenderInfo: '公开招标', product: 'Server x4', listPrice: 100000, requestedPrice: 80000, discountPct: 20, reason: '战略客户' });
    const created = run(['create', '--as', 'zhang.qiang', '--type', '价格申请', '--json', '-'], json);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/created #1/);
    const shown = run(['show', '1']);
    expect(shown.stdout).toMatch(/Audit trail:[\s\S]*submit\s+- -> pending_approval/);
    const out = join(dir, 'export.csv');
    expect(run(['export', '--out', out]).status).toBe(0);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,type,unit,status,requester,supporter,customer,title,created_at,updated_at');
    expect(csv[1]).toMatch(/^1,price-request,east,pending_approval,zhang.qiang,,招商银行,扩容报价,/);
  });

  it('names each bad field when a scripted request is invalid, and creates nothing', () => {
    const r = run(['create', '--as', 'zhang.qiang', '--type', 'price-request', '--json', '-'], JSON.stringify({ customer: 'X', discountPct: 'lots' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/discountPct: /);
    expect(run(['list']).stdout).not.toMatch(/#2/);
  });
});
