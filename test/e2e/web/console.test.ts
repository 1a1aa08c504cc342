import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackline, type Backline } from '../../../src/app/create-app.js';
import { readEnv } from '../../../src/config/env.js';

// The web console in headless Chromium (Debian's package + playwright-core): the price request
// walk-through, a validation error beside its field, the dashboard, and the admin sign-in.
// BACKLINE_SCREENSHOTS=1 also refreshes docs/screenshots/*.png.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip.
const suite = haveChromium || process.env.CI ? describe : describe.skip;
const shots = process.env.BACKLINE_SCREENSHOTS === '1';
const configFile = path.resolve('config/org.example.yaml');
const ADMIN_TOKEN = 'correct-horse-battery-staple';

async function startApp(dir: string, name: string, extra: Record<string, string>): Promise<{ app: Backline; url: string }> {
  const app = await createBackline({ env: readEnv({ DATABASE_URL: `file:${path.join(dir, `${name}.db`)}`, LOG_LEVEL: 'silent', ...extra }), configFile });
  const port = await app.start(0);
  return { app, url: `http://127.0.0.1:${port}` };
}

suite('web console in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let sandbox: { app: Backline; url: string };
  let secured: { app: Backline; url: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'backline-web-'));
    sandbox = await startApp(dir, 'sandbox', { BACKLINE_SANDBOX: '1' });
    secured = await startApp(dir, 'secured', { BACKLINE_SANDBOX: '0', BACKLINE_ADMIN_TOKEN: ADMIN_TOKEN });
    // playwright-core gives each launch a fresh, empty user-data-dir of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.app.stop();
    await secured?.app.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const newPage = async (opts: { phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext(opts.phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(5_000);
    return { context, page: await context.newPage() };
  };
  const shot = async (page: Page, name: string) => {
    if (shots) await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
  };
  const actAs = async (page: Page, person: string) => {
    await page.selectOption('[data-testid=as-person]', person);
    await Promise.all([page.waitForNavigation(), page.click('.asbar button')]);
  };
  const act = async (page: Page, action: string, fill: Record<string, string> = {}) => {
    const form = page.locator(`form[data-action=${action}]`);
    for (const [name, value] of Object.entries(fill)) {
      const input = form.locator(`[name=${name}]`);
      if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
      else await input.fill(value);
    }
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    if (!page.url().includes('done=')) throw new Error(`${action} failed: ${await page.locator('.alert, .error').allTextContents()}`);
  };

  it('walks a price request from submission through both approval thresholds to delivery', async () => {
    const { context, page } = await newPage();
    await page.goto(`${sandbox.url}/lang?to=en&back=/`);
    await shot(page, 'sandbox-people');
    await page.click('[data-person="zhang.qiang"]');
    await page.click('nav a[href="/new"]');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Request support');
    await shot(page, 'type-picker');
    await page.click('a[data-type="price-request"]');
    await page.check('input[name=precondition]');
    await page.fill('#f-customer', 'China Merchants Bank');
    await page.fill('#f-subject', 'Core banking refresh');
    await page.fill('#f-tenderInfo', 'Public tender on 2026-12-10; two competitors');
    await page.fill('#f-product', 'Backline Server x 20');
    await page.fill('#f-listPrice', '1000000');
    await page.fill('#f-requestedPrice', '650000');
    await page.fill('#f-discountPct', '35');
    await page.fill('#f-reason', 'Strategic account, multi-year deal');
    await shot(page, 'request-form');
    await Promise.all([page.waitForURL(/\/requests\/\d+/), page.click('form[data-testid=request-form] button[type=submit]')]);
    const id = Number(/\/requests\/(\d+)/.exec(page.url())![1]);
    expect(await page.getAttribute('[data-testid=card]', 'data-status')).toBe('pending_approval');
    // 35 % is above both thresholds (15 % and 30 %): market manager, BU leader and company leader.
    expect(await page.locator('[data-testid=approvals] li').count()).toBe(3);

    for (const approver of ['wang.fang', 'liu.yang', 'chen.jianguo']) {
      await actAs(page, approver);
      await page.goto(`${sandbox.url}/requests/${id}`);
      if (approver === 'liu.yang') await shot(page, 'card-approve');
      await act(page, 'approve', { comment: `ok from ${approver}` });
    }
    expect(await page.getAttribute('[data-testid=card]', 'data-status')).toBe('pending_assignment');

    await actAs(page, 'lin.xiaoyu');
    await page.goto(`${sandbox.url}/requests/${id}`);
    await act(page, 'assign', { supporter: 'li.wei' });
    expect(await page.getAttribute('[data-testid=card]', 'data-status')).toBe('assigned');

    await actAs(page, 'li.wei');
    await page.goto(`${sandbox.url}/`);
    await expect(page.locator('[data-section=queue]').first().textContent()).resolves.toContain(`#${id}`);
    await shot(page, 'home-supporter');
    await page.goto(`${sandbox.url}/requests/${id}`);
    await act(page, 'accept');
    await act(page, 'deliver', { link: 'https://files.example/price-reply.pdf', note: 'Approved price letter' });
    expect(await page.getAttribute('[data-testid=card]', 'data-status')).toBe('delivered');

    await actAs(page, 'zhang.qiang');
    await page.goto(`${sandbox.url}/requests/${id}`);
    await act(page, 'confirm', { rating: '5', note: 'Thanks!' });
    expect(await page.getAttribute('[data-testid=card]', 'data-status')).toBe('closed');
    await expect(page.locator('[data-testid=timeline]').textContent()).resolves.toContain('confirmed, rating 5/5');
    await shot(page, 'card-closed');
    await page.goto(`${sandbox.url}/`);
    const told = await page.locator('[data-testid=notifications]').textContent();
    expect(told).toContain(`Request #${id} received`);
    expect(told).toContain(`#${id} is delivered by`);
    await context.close();
  }, 90_000);

  it('shows a validation error next to its field and keeps what was typed', async () => {
    const { context, page } = await newPage();
    await page.goto(`${sandbox.url}/lang?to=en&back=/`);
    await page.click('[data-person="yang.xue"]');
    await page.goto(`${sandbox.url}/new/price-request`);
    await page.check('input[name=precondition]');
    await page.fill('#f-customer', 'Acme <script>alert(1)</script>');
    await page.fill('#f-discountPct', 'lots');
    await page.click('form[data-testid=request-form] button[type=submit]');
    const field = page.locator('[data-field=discountPct]');
    await expect(field.getAttribute('class')).resolves.toContain('invalid');
    await expect(field.locator('.error').textContent()).resolves.toBe('Enter a number.');
    await expect(page.locator('[data-field=subject] .error').textContent()).resolves.toBe('This field is required.');
    await expect(page.inputValue('#f-customer')).resolves.toBe('Acme <script>alert(1)</script>');
    await expect(page.inputValue('#f-discountPct')).resolves.toBe('lots');
    await shot(page, 'form-validation');
    await context.close();
  });

  it('filters the dashboard and renders its charts as SVG, in both languages, on a phone', async () => {
    const { context, page } = await newPage();
    await page.goto(`${sandbox.url}/lang?to=en&back=/dashboard`);
    await expect(page.locator('#chart-volume rect').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#chart-cycle rect').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#chart-sla rect').count()).resolves.toBeGreaterThan(0);
    await page.selectOption('[data-filter=type]', 'price-request');
    await page.selectOption('[data-filter=status]', 'closed');
    await Promise.all([page.waitForURL(/type=price-request/), page.click('[data-testid=filters] button[type=submit]')]);
    const rows = page.locator('[data-testid=requests] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('Price request');
    await shot(page, 'dashboard');
    await page.selectOption('[data-filter=status]', 'rejected');
    await Promise.all([page.waitForURL(/status=rejected/), page.click('[data-testid=filters] button[type=submit]')]);
    expect(await rows.count()).toBe(0);
    await page.click('[data-testid=lang]');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('看板');
    expect(page.url()).toContain('status=rejected');
    await page.goto(`${sandbox.url}/dashboard/requests/1`);
    await expect(page.locator('[data-testid=timeline] li').count()).resolves.toBeGreaterThan(6);
    await shot(page, 'timeline');
    await page.goto(`${sandbox.url}/config`);
    await expect(page.locator('[data-testid=config-valid]').count()).resolves.toBe(1);
    await shot(page, 'config-check');
    await context.close();

    const phone = await newPage({ phone: true });
    await phone.page.goto(`${sandbox.url}/lang?to=zh-CN&back=/dashboard`);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(phone.page, 'dashboard-phone');
    await phone.page.goto(`${sandbox.url}/requests/1`);
    await shot(phone.page, 'card-phone');
    await phone.context.close();
  });

  it('keeps the dashboard behind sign-in outside sandbox mode and refuses a wrong token', async () => {
    const { context, page } = await newPage();
    await page.goto(`${secured.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.fill('#token', 'not-the-token');
    await page.click('form[action="/signin"] button');
    await expect(page.locator('[data-testid=signin-error]').count()).resolves.toBe(1);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await shot(page, 'signin-refused');
    // Nothing of the dashboard leaks to an anonymous visitor.
    for (const p of ['/dashboard', '/dashboard/export.csv', '/dashboard/requests/1', '/config']) {
      const res = await fetch(`${secured.url}${p}`, { redirect: 'manual' });
      expect(res.status, p).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/signin/);
    }
    expect((await fetch(`${secured.url}/new`, { redirect: 'manual' })).status).toBe(404);
    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard/), page.click('form[action="/signin"] button')]);
    await expect(page.locator('[data-testid=filters]').count()).resolves.toBe(1);
    const session = (await context.cookies()).find((c) => c.name === 'bl_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    await context.close();
  });
});
