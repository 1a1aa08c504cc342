import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrgConfigError } from '../../src/config/load-org.js';
import { OrgHolder } from '../../src/config/org-holder.js';

const exampleText = readFileSync(fileURLToPath(new URL('../../config/org.example.yaml', import.meta.url)), 'utf8');
const renamed = (name: string) => exampleText.replace(/^  name: Northwind Systems 北风系统$/m, `  name: ${name}`);
const broken = exampleText.replace('slack: U05D9C3153', 'slack: xujing');

function fakeLog() {
  const lines: Array<{ level: 'info' | 'error'; obj: object; msg?: string }> = [];
  return {
    lines,
    info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
    error: (obj: object, msg?: string) => lines.push({ level: 'error', obj, msg }),
  };
}

describe('OrgHolder', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'backline-org-'));
    file = join(dir, 'org.yaml');
    writeFileSync(file, exampleText);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the file on construction', () => {
    const holder = new OrgHolder(file);
    expect(holder.current.name).toBe('Northwind Systems 北风系统');
  });

  it('refuses to start on a broken file', () => {
    writeFileSync(file, broken);
    expect(() => new OrgHolder(file)).toThrow(OrgConfigError);
  });

  it('keeps the old config when the new one is invalid, and swaps in a fixed one', () => {
    const log = fakeLog();
    const holder = new OrgHolder(file, log);
    const before = holder.current;

    writeFileSync(file, broken.replace(/^  name: Northwind Systems 北风系统$/m, '  name: Broken Co'));
    const bad = holder.reload();
    expect(bad.ok).toBe(false);
    if (bad.ok) throw new Error('unreachable');
    expect(bad.error).toBeInstanceOf(OrgConfigError);
    expect(bad.error.file).toBe(file);
    expect(bad.error.issues.some((i) => /^people\[\d+\]\.slack$/.test(i.path) && i.message.includes('U012AB3CD'))).toBe(true);
    expect(holder.current).toBe(before);
    expect(log.lines.at(-1)).toMatchObject({ level: 'error' });

    writeFileSync(file, 'organization:\n  name: x\n people: [\n');
    const malformed = holder.reload();
    expect(malformed.ok).toBe(false);
    if (!malformed.ok) expect(malformed.error.issues[0]!.path).toMatch(/^line \d+$/);
    expect(holder.current).toBe(before);

    writeFileSync(file, renamed('Northwind Systems (renamed)'));
    expect(holder.reload()).toEqual({ ok: true });
    expect(holder.current).not.toBe(before);
    expect(holder.current.name).toBe('Northwind Systems (renamed)');
    expect(log.lines.at(-1)).toMatchObject({ level: 'info' });
  });

  it('keeps the old config when the file disappears', () => {
    const holder = new OrgHolder(file);
    const before = holder.current;
    rmSync(file);
    const result = holder.reload();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]!.path).toBe('(file)');
    expect(holder.current).toBe(before);
  });

  it('reloads on SIGHUP until the watcher is stopped', async () => {
    const holder = new OrgHolder(file);
    const listeners = process.listenerCount('SIGHUP');
    const stop = holder.watchSignals();
    expect(process.listenerCount('SIGHUP')).toBe(listeners + 1);
    try {
      writeFileSync(file, renamed('After SIGHUP'));
      process.kill(process.pid, 'SIGHUP');
      const deadline = Date.now() + 5000;
      while (holder.current.name !== 'After SIGHUP' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(holder.current.name).toBe('After SIGHUP');
    } finally {
      stop();
    }
    expect(process.listenerCount('SIGHUP')).toBe(listeners);
    writeFileSync(file, renamed('Ignored'));
    process.emit('SIGHUP' as never);
    expect(holder.current.name).toBe('After SIGHUP');
  });
});
