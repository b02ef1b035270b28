/**
 * /docs in real Chromium under the service's Content-Security-Policy: Swagger UI loads from the service's own
 * files, lists every operation of the document, refuses nothing, and "Try it out" sends real requests.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { adminToken } from '../helpers/http';
import { startFullService, type FullService } from '../helpers/service';
import { launchBrowser, screenshot, type Browser } from './browser';

declare global {
  interface Window {
    cspViolations: string[];
  }
}

describe('the interactive API reference at /docs', () => {
  let service: FullService;
  let browser: Browser;
  let page: Page;
  const refusals: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startFullService(testDatabases()[0]!), launchBrowser()]);
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    page.on('console', (message) => {
      if (/Refused to|Content Security Policy/i.test(message.text())) refusals.push(message.text());
    });
    // Offline: nothing but the service itself is asked for anything.
    page.on('request', (request) => {
      if (!request.url().startsWith(service.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('lists every operation of the document with nothing refused', async () => {
    const document = (await (await fetch(`${service.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    await page.goto(`${service.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    await expect.poll(() => page.locator('.opblock-summary-operation-id').allTextContents()).toEqual(expect.arrayContaining(['createPlan', 'optimize', 'listOrders']));
    await screenshot(page, 'docs');
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(refusals).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it('sends a request from the page with the credentials given in Authorize', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: /Authorize/ }).first().click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(adminToken);
    await dialog.locator('button.modal-btn.authorize').first().click();
    await dialog.locator('button.close-modal').click();

    const operation = page.locator('#operations-orders-listOrders');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const answered = page.waitForResponse((response) => response.url().startsWith(`${service.url}/api/v1/orders`) && response.request().method() === 'GET');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toBe(`Bearer ${adminToken}`);
    const body = (await response.json()) as { items: { id: number }[] };
    expect(body.items.map((order) => order.id).sort()).toEqual([...service.orderIds].sort());
    await expect.poll(() => operation.locator('.live-responses-table tr.response .response-col_status').first().textContent()).toContain('200');
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
