// The HTML report as a user sees it: a real pipeline run through the CLI with --report, the
// file opened in headless Chromium. Skipped when /usr/bin/chromium is missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium): the browser test of the HTML report is skipped`;
if (skip !== false) process.stderr.write(`# ${skip}\n`);

// A file name that runs a script wherever it is pasted into HTML unescaped (no `/`: it is a file).
const HOSTILE = '<img src=x onerror=alert(1)>';

// Two steps over four files; `check` fails on files holding a "b", once more on its retry.
const PIPELINE = `
import { pipeline, step, sh } from 'sluice';

export default pipeline({
  steps: () => ({
    upper: step({ in: 'data/{name}.txt', out: 'work/{name}.up', run: sh('tr a-z A-Z < {in} > {out}') }),
    check: step({
      in: 'work/{name}.up',
      out: 'out/{name}.ok',
      retries: 1,
      run: sh('if grep -q B {in}; then echo "bad row in {in}" >&2; exit 3; fi; cp {in} {out}'),
    }),
  }),
});
`;

interface Opened {
  readonly page: Page;
  readonly dialogs: string[];
  readonly requests: string[];
  readonly errors: string[];
}

describe('the HTML report in a browser', { skip }, () => {
  let browser: Browser;
  const opened: Opened[] = [];

  before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  /** Whatever the pages did, up to now: no script ran, nothing but the file was fetched. */
  async function assertNothingHappened(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { page, dialogs, requests, errors } of opened.splice(0)) {
      assert.deepEqual(dialogs, [], 'no dialog opened');
      assert.deepEqual(errors, [], 'no page error');
      assert.equal(requests.length, 1, `only the file itself was requested: ${requests.join(', ')}`);
      await page.close();
    }
  }

  async function open(file: string): Promise<Opened> {
    const page = await browser.newPage();
    const result: Opened = { page, dialogs: [], requests: [], errors: [] };
    page.on('dialog', (dialog) => {
      result.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => result.requests.push(request.url()));
    page.on('pageerror', (error) => result.errors.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    opened.push(result);
    assert.deepEqual(result.requests, [pathToFileURL(file).href]);
    return result;
  }

  /** The step table as { step: { column: text } }. */
  async function stepTable(page: Page): Promise<Record<string, Record<string, string>>> {
    return page.$$eval('table.steps tbody tr', (rows) =>
      Object.fromEntries(
        rows.map((row) => [
          row.getAttribute('data-step') ?? '',
          Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.getAttribute('data-col') ?? '', (cell.textContent ?? '').trim()])),
        ]),
      ),
    );
  }

  function pick(table: Record<string, Record<string, string>>, columns: readonly string[]): Record<string, string[]> {
    return Object.fromEntries(Object.entries(table).map(([step, cells]) => [step, columns.map((column) => cells[column] ?? '?')]));
  }

  it('sluice run --report: step counts, one bar per attempt, failures with command and stderr, hostile names as text', async () => {
    const dir = makeTempDir('sluice-report-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (const [name, text] of [['a', 'a1'], ['b', 'b1'], ['c', 'c1'], [HOSTILE, 'b2']]) fs.writeFileSync(path.join(dir, 'data', `${name}.txt`), `${text}\n`);
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);

    const first = await runSluice(['run', '--keep-going', '--report', 'first.html'], { cwd: dir });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /sluice: report written to first\.html/);
    const { page } = await open(path.join(dir, 'first.html'));

    const columns = ['tasks', 'succeeded', 'failed', 'up-to-date', 'not-run', 'attempts'];
    assert.deepEqual(pick(await stepTable(page), columns), {
      upper: ['4', '4', '0', '0', '0', '4'],
      check: ['4', '2', '2', '0', '0', '6'],
      '': ['8', '6', '2', '0', '0', '10'],
    });
    const cpu = await page.textContent('tr.total td[data-col="cpu-total"]');
    assert.match(cpu ?? '', /\d+ (ms|s)/, 'CPU time was measured by the launcher');

    const bars = page.locator('svg.timeline rect.bar');
    assert.equal(await bars.count(), 10, 'one bar per attempt');
    assert.equal(await page.locator('rect.bar.failed.retried').count(), 2);
    assert.equal(await page.locator('rect.bar.failed:not(.retried)').count(), 2);
    assert.equal(await page.locator('rect.bar.succeeded').count(), 6);
    assert.ok(await bars.first().isVisible());
    const tooltips = await page.locator('rect.bar title').allTextContents();
    const hostileTip = tooltips.find((text) => text.startsWith('check') && text.includes(`work/${HOSTILE}.up`) && text.includes('exit code 3'));
    assert.ok(hostileTip !== undefined, `a tooltip names the hostile file as text:\n${tooltips.join('\n---\n')}`);
    // Named as the terminal names it, step and wildcards (the value quoted: it holds spaces).
    assert.match(hostileTip, /^check\[name="<img src=x onerror=alert\(1\)>"\] · attempt [12] · lane \d+\n(?:\/bin\/sh|\/usr\/bin\/bash -euo pipefail|\S*bash -euo pipefail) -c '.*'\n[\d.]+ m?s · exit code 3/);

    const failures = page.locator('article.failure');
    assert.equal(await failures.count(), 2);
    const b = page.locator('article.failure', { hasText: 'bad row in work/b.up' });
    assert.ok(await b.isVisible());
    assert.match((await b.locator('h3').textContent()) ?? '', /^✗ check\[name=b\] \(attempt 2 of 2\)/);
    assert.match((await b.locator('pre.command').textContent()) ?? '', /^\S*\/bash -euo pipefail -c 'if grep -q B work\/b\.up; then .*exit 3; fi; cp work\/b\.up out\/b\.ok'$/);
    assert.ok(await b.locator('pre.command').isVisible());
    assert.match((await b.textContent()) ?? '', /exit code 3, not timed out/);
    assert.match((await b.textContent()) ?? '', /attempt 2 of 2/);
    assert.match((await b.locator('code.log').textContent()) ?? '', /^\.sluice\/logs\/\d{8}-\d{6}-\d+\/\d+\.2\.err$/);
    // sh() quotes the placeholder, quotes and all, inside the echo's double quotes.
    const hostile = page.locator('article.failure', { hasText: `bad row in 'work/${HOSTILE}.up'` });
    assert.ok(await hostile.locator('pre.stderr').isVisible(), 'the hostile file name shows as text in the stderr tail');
    assert.equal(await page.locator('img').count(), 0, 'no element was made from a file name');

    // Again: everything that succeeded is up to date, the two failures fail again.
    const second = await runSluice(['run', '--keep-going', '--report', 'second.html'], { cwd: dir });
    assert.equal(second.code, 1, second.stderr);
    const again = (await open(path.join(dir, 'second.html'))).page;
    assert.deepEqual(pick(await stepTable(again), columns), {
      upper: ['4', '0', '0', '4', '0', '0'],
      check: ['4', '0', '2', '2', '0', '4'],
      '': ['8', '0', '2', '6', '0', '4'],
    });
    assert.equal(await again.locator('svg.timeline rect.bar').count(), 4);

    // `sluice report` rebuilds either run from the database, as --report wrote it.
    const firstId = ((await page.textContent('.run-id')) ?? '').trim();
    const rebuilt = await runSluice(['report', '--run', firstId, '-o', 'rebuilt.html'], { cwd: dir });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, new RegExp(`report of run ${firstId} written to rebuilt\\.html`));
    const withoutFooter = (file: string): string => fs.readFileSync(path.join(dir, file), 'utf8').replace(/<footer>.*<\/footer>/s, '');
    assert.equal(withoutFooter('rebuilt.html'), withoutFooter('first.html'));
    const last = await runSluice(['report', '-f', 'pipeline.ts'], { cwd: dir });
    assert.equal(last.code, 0, last.stderr);
    assert.equal(withoutFooter('report.html'), withoutFooter('second.html'));
    const missing = await runSluice(['report', '--run', '20000101-000000-1'], { cwd: dir });
    assert.equal(missing.code, 2, 'refused: no such run');
    assert.match(missing.stderr, /No run `20000101-000000-1`/);
    await assertNothingHappened();
  });

  it('sluice map --report, and sluice report --dir for a map run', async () => {
    const dir = makeTempDir('sluice-report-map-');
    fs.mkdirSync(path.join(dir, 'in'));
    for (const name of ['1', '2', '3']) fs.writeFileSync(path.join(dir, 'in', `${name}.txt`), `${name}\n`);
    const script = 'if [ "$1" = in/2.txt ]; then echo "no good: $1" >&2; exit 5; fi; cat "$1"';
    const map = await runSluice(['map', '-q', '--keep-going', '--report', 'map.html', '--in', 'in/*.txt', '--', 'sh', '-c', script, 'sh'], { cwd: dir });
    assert.equal(map.code, 1, map.stderr);
    assert.doesNotMatch(map.stderr, /report written/, '-q keeps quiet about the report');
    const { page } = await open(path.join(dir, 'map.html'));
    const table = await stepTable(page);
    assert.deepEqual(Object.values(pick(table, ['tasks', 'succeeded', 'failed', 'attempts'])), [['3', '2', '1', '3']]);
    assert.equal(await page.locator('svg.timeline rect.bar').count(), 3);
    const failure = page.locator('article.failure');
    assert.match((await failure.textContent()) ?? '', /exit code 5, not timed out/);
    assert.match((await failure.locator('pre.stderr').textContent()) ?? '', /^no good: in\/2\.txt$/);

    const elsewhere = makeTempDir('sluice-report-cwd-');
    const toStdout = await runSluice(['report', '--dir', dir, '-o', '-'], { cwd: elsewhere });
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.equal(toStdout.stdout.replace(/<footer>.*<\/footer>/s, ''), fs.readFileSync(path.join(dir, 'map.html'), 'utf8').replace(/<footer>.*<\/footer>/s, ''));
    const nothing = await runSluice(['report'], { cwd: elsewhere });
    assert.equal(nothing.code, 2, 'refused: nothing to report');
    assert.match(nothing.stderr, /No sluice run recorded in/);
    assert.equal(fs.existsSync(path.join(elsewhere, '.sluice')), false);
    await assertNothingHappened();
  });

  it('refuses a --report path it could not write, before running anything', async () => {
    const dir = makeTempDir('sluice-report-bad-');
    const result = await runSluice(['map', '--report', 'no/such/folder/r.html', '--', 'touch', 'ran', ':::', 'x'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Expected `--report` in an existing folder/);
    assert.equal(fs.existsSync(path.join(dir, 'ran')), false);
  });

  it('shows one failure among several hundred tasks: a mark that cannot be missed, steps in their own colours, a link to its bar', async () => {
    const dir = makeTempDir('sluice-report-many-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (let n = 0; n < 300; n++) fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'work/{n}.txt', run: ({ input, output }) => fs.copyFileSync(input, output) }),
  check: step({
    in: 'work/{n}.txt',
    out: 'out/{n}.txt',
    run: ({ input, output, wildcards }) => {
      if (wildcards.n === '157') throw new Error('row 157 is bad');
      fs.copyFileSync(input, output);
    },
  }),
});`,
    );
    const run = await runSluice(['run', '--keep-going', '--report', 'many.html'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /599 succeeded, 1 failed/);
    const { page } = await open(path.join(dir, 'many.html'));
    assert.equal(await page.locator('svg.timeline rect.bar').count(), 600);

    const failed = page.locator('rect.bar.failed:not(.retried)');
    assert.equal(await failed.count(), 1);
    const box = await failed.boundingBox();
    assert.ok(box !== null && box.width >= 4, `the failed bar is ${box?.width} px wide`);
    const mark = page.locator('line.fail-mark');
    assert.equal(await mark.count(), 1);
    const markBox = await mark.boundingBox();
    const svgBox = await page.locator('svg.timeline').boundingBox();
    assert.ok(markBox !== null && svgBox !== null && markBox.width >= 2 && markBox.height >= svgBox.height - 2, 'a mark crosses the whole timeline');

    // Each step its own colour; failed stays red, whatever the step.
    const fill = (selector: string): Promise<string> => page.locator(selector).first().evaluate((element) => getComputedStyle(element).fill);
    const copyFill = await fill('rect.bar.succeeded[data-step="copy"]');
    const checkFill = await fill('rect.bar.succeeded[data-step="check"]');
    const failedFill = await fill('rect.bar.failed');
    assert.notEqual(copyFill, checkFill);
    assert.ok(![copyFill, checkFill].includes(failedFill), `${copyFill} ${checkFill} ${failedFill}`);
    assert.equal(await page.locator('.legend span', { hasText: 'copy' }).count(), 1);

    // Listed under the timeline and in Failures, each with a link to its bar.
    const taskId = await failed.getAttribute('data-task');
    const listed = page.locator(`ul.failed-list a[href="#task-${taskId}"]`);
    assert.equal(await listed.count(), 1);
    assert.equal(await page.locator(`article.failure a.where[href="#task-${taskId}"]`).count(), 1);
    // Named by step and wildcards, as the terminal names it, never by the internal task number.
    assert.match((await page.locator('article.failure h3').textContent()) ?? '', /^✗ check\[n=157\]show in the timeline$/);
    assert.equal(await listed.textContent(), 'check[n=157]');
    assert.match((await failed.locator('title').textContent()) ?? '', /^check\[n=157\] · lane \d+\n/);
    const copyTips = await page.locator('rect.bar.succeeded[data-step="copy"] title').allTextContents();
    assert.equal(copyTips.filter((tip) => /^copy\[n=\d+\] · lane \d+\n/.test(tip)).length, 300, 'every succeeded task is named too');
    assert.doesNotMatch((await page.locator('body').textContent()) ?? '', /task \d/, 'no internal task numbers');
    // A function: which one and where, no fake command or exit code.
    const article = (await page.locator('article.failure').textContent()) ?? '';
    assert.match(article, /Function\s*check\(\) in pipeline\.ts/);
    assert.match(article, /the function threw: row 157 is bad/);
    assert.doesNotMatch(article, /exit code|\(function step/);
    assert.doesNotMatch((await failed.locator('title').textContent()) ?? '', /exit code/);
    await page.locator('article.failure a.where').click();
    assert.ok(page.url().endsWith(`#task-${taskId}`), page.url());
    assert.equal(await page.locator('rect.bar:target').getAttribute('data-task'), taskId);
    await assertNothingHappened();
  });
});
