/**
 * The three pages under the service's Content-Security-Policy in real Chromium: the console plans and dispatches
 * the demo day, a van reports a position, the driver opens their route and a customer their tracking page, and
 * not one script, style, image or connection is refused. An inline script injected on purpose is, which shows
 * the policy is in force and the listener hears refusals.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';

declare global {
  interface Window {
    cspViolations: string[];
    inlineScriptRan?: boolean;
  }
}

describe('the pages under the Content-Security-Policy', () => {
  let service: RunningService;
  let browser: Browser;
  const refusals: string[] = [];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** A page that records every CSP refusal, from the console and from securitypolicyviolation events. */
  const watched = async (name: string) => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    page.on('console', (message) => {
      if (/Refused to|Content Security Policy/i.test(message.text())) refusals.push(`${name}: ${message.text()}`);
    });
    return page;
  };
  const violations = (page: Page) => page.evaluate(() => window.cspViolations);

  it('serves each page with the policy', async () => {
    for (const path of ['/dispatch', '/driver', '/t/unknown-token', '/docs']) {
      const response = await fetch(service.url + path);
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      const html = await response.text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\sstyle="/);
    }
  });

  it('the console, driver app and tracking page run with nothing refused', async () => {
    const consolePage = await watched('dispatch');
    await consolePage.goto(`${service.url}/dispatch`);
    await consolePage.getByLabel('Username').fill('admin');
    await consolePage.getByLabel('Password').fill(service.credentials.admin.password);
    await consolePage.getByRole('button', { name: 'Log in' }).click();
    await consolePage.locator('#orders tr').first().waitFor();
    await consolePage.getByLabel('Search seconds').fill('1');
    await consolePage.getByRole('button', { name: 'Plan', exact: true }).click();
    await consolePage.locator('#plan-status', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    await consolePage.getByRole('tab', { name: 'Routes' }).click();
    await consolePage.locator('.route').first().waitFor();
    // A 1-second plan may leave orders out: the console then asks before dispatching, and the test goes ahead.
    consolePage.once('dialog', (dialog) => void dialog.accept());
    await consolePage.getByRole('button', { name: 'Dispatch' }).click();
    await consolePage.locator('#plan-status', { hasText: 'dispatched' }).waitFor();

    const driver = service.credentials.drivers[0]!;
    const driverPage = await watched('driver');
    await driverPage.goto(`${service.url}/driver`);
    await driverPage.getByLabel('Username').fill(driver.username);
    await driverPage.getByLabel('Password').fill(driver.password);
    await driverPage.getByRole('button', { name: 'Log in' }).click();
    await driverPage.locator('#stops li').first().waitFor();
    await driverPage.locator('#leg-map .numbered-icon span').first().waitFor();
    const day = await driverPage.evaluate(async () => {
      const headers = { authorization: `Bearer ${localStorage.getItem('lastmile.driver.token')}`, 'content-type': 'application/json' };
      const route = await (await fetch('/api/v1/driver/route', { headers })).json();
      const [lon, lat] = route.route.stops[0].location as [number, number];
      const fix = { location: [lon + 0.001, lat], accuracyMeters: 8, speedMetersPerSecond: 8, headingDegrees: 90, recordedAt: Date.now() / 1000 };
      await fetch('/api/v1/positions', { method: 'POST', headers, body: JSON.stringify({ positions: [fix] }) });
      return route as { route: { vehicleId: number; stops: { orderId: number }[] } };
    });
    // The van's badge in the console: a div icon coloured through the CSSOM.
    await consolePage.locator(`.vehicle-icon[data-vehicle-id="${day.route.vehicleId}"] span`).waitFor();
    expect(await consolePage.locator('.vehicle-icon span').first().evaluate((span) => getComputedStyle(span).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await consolePage.locator('.route').first().evaluate((route) => getComputedStyle(route).borderLeftColor)).not.toBe('rgba(0, 0, 0, 0)');

    const link = await service.api('POST', `/api/v1/orders/${day.route.stops[0]!.orderId}/tracking/link`);
    const trackPage = await watched('track');
    await trackPage.goto(`${service.url}${link.path}`);
    await trackPage.locator('#status', { hasText: 'dispatched' }).waitFor();
    await trackPage.locator('#map .leaflet-pane').first().waitFor({ state: 'attached' });
    await screenshot(trackPage, 'csp-track');

    for (const page of [consolePage, driverPage, trackPage]) expect(await violations(page)).toEqual([]);
    expect(refusals).toEqual([]);

    // The policy is in force: an inline script is refused, and heard.
    await trackPage.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.head.append(script);
    });
    await expect.poll(() => violations(trackPage)).toEqual([expect.stringMatching(/^script-src/)]);
    expect(await trackPage.evaluate(() => window.inlineScriptRan)).toBeUndefined();
  }, 150_000);
});
