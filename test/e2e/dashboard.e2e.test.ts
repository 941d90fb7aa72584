/**
 * The web dashboard in a real browser (Debian's Chromium via playwright-core) against the real
 * server on SQLite with the mock provider: the whole journey of a new user, with a screenshot
 * of every page under test-artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  buildWeb,
  launchBrowser,
  SCREENSHOT_DIR,
  startApp,
  type RunningApp,
} from './harness.js';

/** A downloaded CSV as rows of fields (quoted fields may span lines). */
function readCsv(path: string | null): string[][] {
  return parse(readFileSync(path!, 'utf8').replace(/^\uFEFF/, ''), {
    relaxColumnCount: true,
  }) as string[][];
}

const skipReason = browserUnavailable();
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);

// Steps wait on live work (generation, sweeps): allow more than the suite's default per test.
describe.skipIf(Boolean(skipReason))('web dashboard in Chromium', { timeout: 90_000 }, () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    web = await buildWeb();
    // A little provider latency so generation and sweeps are observable while they run.
    // A small cell limit, so the sweep form can be shown refusing a sweep before it starts.
    app = await startApp(web.dir, { MOCK_LATENCY_MS: '60', BATCH_MAX_CELLS: '50' });
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: app.url,
      acceptDownloads: true,
      viewport: { width: 1366, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      // The browser logs every 4xx fetch; the sweep form's refused estimate is one on purpose.
      const refusedEstimate =
        m.location().url.endsWith('/api/batch-experiments/estimate') &&
        m.text().includes('status of 400');
      if (m.type() === 'error' && !refusedEstimate) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 120_000);

  afterEach(async ({ task }) => {
    // A failed step leaves a picture of the page it failed on.
    if (task.result?.state === 'fail' && page)
      await shot(`failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    web?.remove();
  });

  it('when a visitor opens the app, then the login page shows and sign-up creates an account that lands on the dashboard', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    // The login route is loaded on demand: wait for it rather than test it at once.
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot('01-login');

    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill('e2e_user');
    await page.getByLabel('Email').fill('e2e@example.com');
    await page.getByLabel('Password (8+ characters)').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // The API's own rule, shown before any round trip.
    await page.getByText('A password of at least 8 characters').waitFor();
    await shot('02-register-validation');
    await page.getByLabel('Password (8+ characters)').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Nothing scored in this period').waitFor();
    await shot('03-dashboard-empty');
  });

  it('when the user creates an experiment and generates, then responses stream in live and get scores', async () => {
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByText('No experiments yet').waitFor();
    await shot('04-experiments-empty');
    await page.getByRole('link', { name: 'New experiment' }).first().click();
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Neural nets explained');
    await page.getByText('Need a prompt? Browse suggestions').click();
    await page.locator('.suggestions').getByLabel('Category').selectOption('technical');
    await page.locator('.suggestion-list').getByRole('button', { name: 'Use' }).first().click();
    await expect
      .poll(async () => (await page.getByLabel('Prompt').inputValue()).length)
      .toBeGreaterThan(10);
    await page
      .getByLabel('Prompt')
      .fill('Explain how neural networks learn, in simple terms, for a curious teenager.');
    await page.getByLabel('Temperature value').fill('0.9');
    await shot('05-experiment-form');
    await page.getByRole('button', { name: 'Create experiment' }).click();

    await page.getByRole('heading', { name: 'Neural nets explained' }).waitFor();
    await page.getByLabel('Responses', { exact: true }).fill('2');
    // Record what the live list shows while the generation runs.
    // (Browser-side code: the DOM types are not in this Node program, hence the loose typing.)
    const seen = page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const g = globalThis as any;
          const states = new Set<string>();
          const observer = new g.MutationObserver(() => {
            for (const b of g.document.querySelectorAll('[data-testid="live-response"] .badge'))
              states.add(b.textContent ?? '');
            if (g.document.querySelectorAll('[data-testid="live-score"]').length >= 2) {
              observer.disconnect();
              resolve([...states]);
            }
          });
          observer.observe(g.document.body, {
            subtree: true,
            childList: true,
            characterData: true,
          });
        }),
    );
    await page.getByRole('button', { name: 'Generate' }).click();
    const states = await seen;
    expect(states).toContain('streaming');
    expect(states).toContain('completed');

    await page.getByText(/Generated 2 responses/).waitFor();
    const scores = await page.getByTestId('live-score').allTextContents();
    expect(scores).toHaveLength(2);
    for (const s of scores) expect(Number(s.replace('Quality', '').trim())).toBeGreaterThan(0);
    await page.locator('article.response-card').nth(1).waitFor();
    await page.getByRole('button', { name: 'Why these scores?' }).first().click();
    await page.locator('.explanations details').first().waitFor();
    await shot('06-experiment-detail');
  });

  it('when two responses are selected for comparison, then they show side by side with a radar chart and the API insights', async () => {
    const boxes = page.locator('article.response-card input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Compare selected (2)' }).click();

    await page.waitForURL(/\/compare\?ids=/);
    await page.getByTestId('compare-table').nth(1).waitFor();
    expect(await page.getByTestId('compare-table').count()).toBe(2);
    await page.locator('.recharts-radar').first().waitFor();
    await page.getByRole('heading', { name: 'Recommendations', exact: true }).waitFor();
    await shot('07-compare');
  });

  it('when the user exports the experiment as CSV, then the file has the header and one row per response', async () => {
    await page.goBack();
    await page.getByRole('heading', { name: 'Neural nets explained' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    const rows = readCsv(await download.path());
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(rows[0]).toContain('overall_quality');
    expect(rows).toHaveLength(1 + 2);
  });

  it('when the user builds a 2×2 sweep, then the count and estimate show, progress arrives live, and the heatmap and CSV cover the four combinations', async () => {
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByText('No sweeps yet').waitFor();
    await page.getByRole('link', { name: 'New sweep' }).first().click();
    await page.getByRole('heading', { name: 'New parameter sweep' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Temperature × top_p');
    await page.getByLabel('Prompt').fill('Describe a sunrise over the sea in three sentences.');
    await page.locator('input[name="temperature-values"]').fill('0.2, 1');
    await page.locator('input[name="top_p-values"]').fill('0.5, 1');
    await page.getByLabel('Iterations per combination').fill('2');
    await expect.poll(() => page.getByTestId('combination-count').textContent()).toBe('4');
    await page.getByText(/≈ \$/).waitFor();
    // The server's estimate (POST /api/batch-experiments/estimate) adds the duration.
    await expect.poll(() => page.getByTestId('estimated-duration').textContent()).not.toBe('—');
    await shot('08-sweep-form');
    await page.getByRole('button', { name: /Start sweep \(8 calls\)/ }).click();

    await page.waitForURL(/\/batches\/\d+$/);
    await page.getByTestId('batch-status').getByText('completed').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('batch-progress').textContent()).toBe('100%');
    const cells = page.getByTestId('heatmap').locator('tbody td');
    // Every cell holds a mean quality once the last combination's results are in.
    await expect
      .poll(async () => (await cells.allTextContents()).filter((t) => Number(t) > 0).length, {
        timeout: 10_000,
      })
      .toBe(4);
    await expect.poll(() => page.getByTestId('results-table').locator('tbody tr').count()).toBe(4);
    await shot('09-sweep-detail');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    const rows = readCsv(await download.path());
    expect(rows[0]).toEqual(
      expect.arrayContaining(['combination_id', 'parameters.temperature', 'parameters.top_p']),
    );
    expect(rows).toHaveLength(1 + 4);
  });

  it('when a sweep reaches its budget, then it shows as paused with the reason and Stop ends it', async () => {
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByRole('link', { name: 'New sweep' }).first().click();
    await page.getByRole('heading', { name: 'New parameter sweep' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Over budget');
    await page.getByLabel('Prompt').fill('List three uses of a paperclip.');
    await page.locator('input[name="temperature-values"]').fill('0.1, 0.3, 0.5, 0.7, 0.9');
    await page.getByLabel('Iterations per combination').fill('4');
    await page.getByLabel('Iterations per combination').fill('20');
    // 100 calls: more than this server allows, which the form says before anything starts.
    await page
      .getByRole('alert')
      .getByText(/the maximum is/)
      .waitFor();
    expect(await page.getByTestId('estimated-duration').textContent()).toBe('—');
    await page.getByLabel('Iterations per combination').fill('4');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.getByTestId('estimated-duration').textContent()).not.toBe('—');
    await page.getByLabel(/Budget in USD/).fill('0.000001');
    await page.getByRole('button', { name: /Start sweep \(40 calls\)/ }).click();

    await page.waitForURL(/\/batches\/\d+$/);
    await page.getByTestId('batch-status').getByText('paused').waitFor({ timeout: 30_000 });
    await page.locator('.notice').first().waitFor();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await shot('10-sweep-paused');
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByTestId('batch-status').getByText('stopped').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Resume' }).count()).toBe(0);
  });

  it('when the user imports a CSV dataset and runs it, then a sweep over its prompts is created and finishes', async () => {
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.locator('.dataset-card').first().waitFor();
    const importCard = page.locator('section.card', { hasText: 'Import CSV or JSON Lines' });
    await importCard.getByLabel('File').setInputFiles({
      name: 'prompts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'text,tags,difficulty\n"Explain photosynthesis to a child",biology,easy\n"Summarise the causes of World War I",history,medium\n"Write a haiku about autumn",poetry,easy\n',
      ),
    });
    await importCard.getByLabel('Name').fill('Imported prompts');
    await importCard.getByRole('button', { name: 'Import' }).click();

    await page.getByRole('heading', { name: 'Imported prompts' }).waitFor();
    await expect.poll(() => page.locator('.prompt-list li').count()).toBe(3);
    await page.getByLabel('Prompts to run (first N)').fill('2');
    await page.getByRole('button', { name: 'Run as a sweep' }).click();

    await page.waitForURL(/\/batches\/\d+$/);
    await page.getByTestId('batch-status').getByText('completed').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('batch-progress').textContent()).toBe('100%');
    await shot('11-dataset-run');
  });

  it('when the user searches, filters and edits experiments, then the list and the experiment follow', async () => {
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByRole('link', { name: 'Neural nets explained' }).waitFor();
    await page.getByLabel('Search').fill('sunrise');
    await page.getByRole('button', { name: 'Search' }).click();
    // The sweep's experiment matches on its prompt; the first experiment does not.
    await expect
      .poll(() => page.getByRole('link', { name: 'Neural nets explained' }).count())
      .toBe(0);
    await page.getByRole('link', { name: 'Temperature × top_p' }).waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('completed');
    await page.getByRole('link', { name: 'Neural nets explained' }).waitFor();

    await page.getByRole('link', { name: 'Neural nets explained' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect
      .poll(() => page.getByLabel('Name', { exact: true }).inputValue())
      .toBe('Neural nets explained');
    await page.getByLabel('Temperature value').fill('3');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Value between 0 and 2').waitFor();
    await page.getByLabel('Temperature value').fill('1.1');
    await page.getByLabel('Name', { exact: true }).fill('Neural nets, revised');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Neural nets, revised' }).waitFor();
    await page.getByText('Temperature 1.1').waitFor();
  });

  it('when the user visits the remaining pages, then each renders its data without errors', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page
      .locator('.recharts-line-dot, .recharts-line-dots')
      .first()
      .waitFor({ state: 'attached' });
    await shot('12-dashboard');
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByRole('link', { name: 'Neural nets, revised' }).waitFor();
    await page.getByLabel('Select Neural nets, revised').check();
    await page.getByLabel('Select Temperature × top_p').check();
    await page.getByRole('group', { name: 'Export 2 experiments (zip)' }).waitFor();
    await shot('13-experiments');
    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('group', { name: 'Export 2 experiments (zip)' })
        .getByRole('button', { name: 'XLSX' })
        .click(),
    ]);
    expect(zip.suggestedFilename()).toMatch(/\.zip$/);
    expect(
      readFileSync((await zip.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByRole('link', { name: 'Temperature × top_p' }).waitFor();
    await shot('14-sweeps');
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.locator('.finding').waitFor();
    await page.getByText(/optimum ≈/).waitFor();
    await page.locator('.recharts-area').first().waitFor({ state: 'attached' });
    await page.getByText('Best overall:').waitFor();
    await shot('15-analytics');
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.locator('.dataset-card').first().waitFor();
    await shot('16-datasets');
    await page.locator('.dataset-card').first().click();
    await page.getByRole('heading', { name: 'Prompts', exact: true }).waitFor();
    await shot('17-dataset-detail');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    await shot('18-api-keys');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page
      .locator('.recharts-line-dot, .recharts-line-dots')
      .first()
      .waitFor({ state: 'attached' });
    await shot('19-dashboard-phone');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByRole('link', { name: 'Temperature × top_p' }).click();
    await page.getByTestId('heatmap').waitFor();
    await shot('20-sweep-phone');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByRole('link', { name: 'Neural nets, revised' }).click();
    await page.locator('article.response-card').first().waitFor();
    await shot('21-experiment-phone');
    await page.setViewportSize({ width: 1366, height: 900 });

    // The first sign-up attempt is refused in the browser, so no request error is expected anywhere.
    expect(consoleErrors).toEqual([]);
  });

  it('when the user logs out, then protected pages send them back to the login page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/experiments');
    await page.waitForURL('**/login');
  });
});
