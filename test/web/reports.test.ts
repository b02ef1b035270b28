/**
 * The reports page in Chromium over a generated history (test/helpers/report-history.ts): for a date range it
 * draws its five charts (pixels on each canvas), shows the server's figures, and the CSV it downloads holds the
 * same numbers as the page's table and the API.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context';
import { suiteClock } from '../helpers/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import { reportsMount } from '../../src/http/routes/reports.routes';
import { webRouter } from '../../src/http/web';
import { createLogger } from '../../src/logger';
import { keepReportFacts } from '../../src/reactions/report-facts';
import { ensureAdmin } from '../../src/seed/credentials';
import { buildWeb, webBuildIsCurrent } from '../../web/build';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { adminToken } from '../helpers/http';
import { buildReportHistory, type History } from '../helpers/report-history';
import { launchBrowser, screenshot, type Browser } from './browser';

const distDir = join(import.meta.dirname, '..', '..', 'web', 'dist');

describe('the reports page', () => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  let browser: Browser;
  let history: History;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!webBuildIsCurrent()) await buildWeb();
    database = await testDatabases()[0]!.open();
    const commands: CommandContext = { db: database.knex, events: new EventBus(), clock: suiteClock };
    await ensureAdmin(commands, adminToken);
    history = await buildReportHistory(database.knex, { days: 10, vehicles: 4, ordersPerRoute: 30 });
    const facts = keepReportFacts(commands);
    await facts.start();
    facts.stop();
    server = createServer(createApp({ database, commands, logger: createLogger('silent'), mounts: [reportsMount(commands), { path: '/', router: webRouter({ distDir }) }] }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await database?.dispose();
  });

  it('draws the charts for a date range and downloads a CSV with the same numbers', async () => {
    const page = await browser.newPage({ width: 1400, height: 1000 });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.addInitScript((token) => localStorage.setItem('lastmile.dispatch.token', token), adminToken);
    const from = history.days[2]!;
    const to = history.days[7]!;
    await page.goto(`${url}/reports?from=${from}&to=${to}&depotId=${history.depotId}`);
    await page.waitForSelector('body[data-loaded]', { timeout: 30_000 });

    for (const chart of ['#chart-on-time', '#chart-cycle', '#chart-eta', '#chart-cost', '#chart-failures']) {
      const painted = await page.$eval(`${chart} canvas`, (canvas) => {
        const element = canvas as HTMLCanvasElement;
        const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
        let colored = 0;
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) colored++;
        return { width: element.width, colored };
      });
      expect(painted.width, chart).toBeGreaterThan(300);
      expect(painted.colored, chart).toBeGreaterThan(500);
    }

    const api = async (path: string) => (await fetch(`${url}/api/v1/reports/${path}?from=${from}&to=${to}&depotId=${history.depotId}`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    const summary = await api('summary');
    expect(await page.textContent('#sum-on-time')).toBe(`${(summary.onTime.onTimeRate * 100).toFixed(1)} %`);
    const daily = (await api('daily')).rows as Record<string, unknown>[];
    expect(daily.map((row) => row.day)).toEqual(history.days.slice(2, 8));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-csv="daily"] >> nth=0')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
    const header = csv[0]!.split(',');
    const lines = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, index) => [header[index], cell])));
    expect(lines).toHaveLength(daily.length);
    // The downloaded numbers are the API's and the page's table's.
    const table = await page.$$eval('#daily-table tbody tr', (rows) => rows.map((row) => Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.dataset.column!, cell.textContent!]))));
    lines.forEach((line, index) => {
      for (const [column, value] of Object.entries(table[index]!)) expect(line[column], `${line.day} ${column}`).toBe(value);
      expect(Number(line.onTimeRate)).toBe(daily[index]!.onTimeRate);
      expect(Number(line.delivered)).toBe(daily[index]!.delivered);
    });
    await screenshot(page, 'reports');
    expect(problems).toEqual([]);
  }, 120_000);
});
