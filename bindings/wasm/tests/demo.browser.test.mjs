// The demo application form in headless Chromium (playwright-core, Debian's /usr/bin/chromium),
// served from 127.0.0.1 with every other host blocked (the page must work offline).
// Run after scripts/build-wasm.sh:  node --test bindings/wasm/tests/demo.browser.test.mjs
// Screenshots go to test-output/wasm/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/serve.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const toolsDir = process.env.WASM_TOOLS_DIR || join(repo, '.tools', 'wasm-node');
const outDir = process.env.HUIMIN_TEST_OUTPUT || join(repo, 'test-output', 'wasm');
const { chromium } = createRequire(join(toolsDir, 'package.json'))('playwright-core');

const PACK = 'chongqing-wanzhou-2020';
let server;
let ctx;
let page;
let userDataDir;
const problems = [];
const offsite = [];

before(async () => {
  mkdirSync(outDir, { recursive: true });
  server = await startServer(fileURLToPath(new URL('../demo/', import.meta.url)));
  userDataDir = mkdtempSync(join(tmpdir(), 'huimin-chromium-'));
  ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
});

after(async () => {
  if (ctx) await ctx.close();
  if (server) await server.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

const text = (sel) => page.locator(sel).innerText();

async function fill(values, tags, pack = PACK) {
  await page.selectOption('#pack', pack);
  await page.fill('#as_of', '2021-03-01');
  for (const [name, value] of Object.entries(values)) {
    const el = page.locator(`#f-${name}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  for (const box of await page.locator('#tags input[type=checkbox]').all()) {
    await box.setChecked(tags.includes(await box.getAttribute('value')));
  }
}

test('the city selector lists the after-school packs by name, Chinese first', async () => {
  const options = await page.locator('#pack option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.ok(options.some(([v, t]) => v === PACK && t === '万州区中小学课后服务'), JSON.stringify(options));
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const failed = await page.evaluate(() => window.huiminDemo.failed);
  assert.deepEqual(failed, [], 'every bundled pack compiles');
  // Every listed pack generates its form from its input schema.
  for (const [id] of options) {
    await page.selectOption('#pack', id);
    const fields = await page.locator('#fields .field').count();
    assert.ok(fields > 0, `${id}: no form fields`);
    const asks = (await text('#status')) !== '' || (await page.locator('#outcome').isVisible());
    assert.ok(asks, `${id}: an empty form shows neither what to fill in nor a result`);
  }
  assert.deepEqual(problems, []);
});

test('60 class-hours hit the monthly cap: 170.00, with the fee clause cited', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, ['dual_worker']);
  await page.waitForSelector('#outcome:not([hidden])');
  assert.equal(await text('#eligible .ok'), '可以参加');
  assert.equal(await text('#fees tr[data-rule="service_fee"] .amt'), '170.00');
  assert.equal(await text('#gross .amt'), '170.00');
  assert.equal(await text('#reduction-total .amt'), '0.00');
  assert.equal(await text('#net .amt'), '170.00');
  assert.equal(await text('#payers tr[data-payer="parents"] .amt'), '170.00');
  assert.match(await text('#net-payer'), /家长/);
  assert.match(await text('#priority'), /双职工家庭子女/);
  const step = page.locator('#why li[data-rule="service_fee"]');
  assert.match(await step.locator('.detail').innerText(), /3\.00 × 60 = 180\.00；封顶 170/);
  assert.match(await step.locator('blockquote.cite').innerText(), /（二）强化经费保障[\s\S]*每生每月不超過170元/);
  await page.screenshot({ path: join(outDir, 'demo-cap-zh.png'), fullPage: true });
});

test('a 低保 household is waived to 0.00, with the waiver clause cited', async () => {
  await fill({ stage: 'primary', grade: '6', class_hours: '40' }, ['dibao']);
  await page.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '0.00');
  assert.equal(await text('#gross .amt'), '120.00');
  assert.equal(await text('#reductions tr[data-rule="poverty_waiver"] .amt'), '120.00');
  assert.equal(await text('#reduction-total .amt'), '120.00');
  assert.equal(await text('#net .amt'), '0.00');
  assert.match(await text('#priority'), /低保家庭儿童/);
  const cite = page.locator('#why li[data-rule="poverty_waiver"] blockquote.cite');
  assert.match(await cite.innerText(), /對建檔立卡貧困戶和低保家庭學生減免課后服務費用/);
  await page.screenshot({ path: join(outDir, 'demo-waiver-zh.png'), fullPage: true });
});

test('English toggle relabels the page and keeps the numbers', async () => {
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await text('h1'), 'After-school care: what will it cost?');
  assert.equal(await text('#net .amt'), '0.00');
  assert.match(await text('#eligible'), /Yes/);
  assert.match(await text('#why li[data-rule="poverty_waiver"] blockquote.cite'), /minimum-allowance students/);
  await page.screenshot({ path: join(outDir, 'demo-waiver-en.png'), fullPage: true });
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
});

test('amounts resting on numbers the source does not state are shown as estimates, with why', async () => {
  // Hebi: cost 360 a semester and the government's half are both the pack's assumptions; a
  // primary pupil's 360.00 is shared 180.00 / 180.00, every amount an estimate.
  await fill({ stage: 'primary' }, [], 'hebi-2020');
  await page.waitForFunction(() => document.querySelector('#gross .amt')?.textContent === '360.00');
  assert.equal(await text('#net .amt'), '180.00');
  assert.equal(await text('#gross abbr.est'), '估算');
  assert.equal(await text('#net abbr.est'), '估算');
  assert.equal(await text('#payers tr[data-payer="parents"] abbr.est'), '估算');
  assert.equal(await page.locator('#subsidy-total abbr.est').count(), 0, 'no subsidy rests on them');
  const cost = page.locator('#assumptions li[data-parameter="service_cost_semester"]');
  assert.equal(await cost.locator('.value').innerText(), '360.00');
  assert.match(await cost.innerText(), /价格主管部门/);
  // Wanzhou's fee is stated: no estimate on the money; only the priority groups rest on the
  // assumed highest lower grade.
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
  await page.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '170.00');
  assert.equal(await page.locator('#net abbr.est').count(), 0);
  assert.equal(await text('#priority abbr.est'), '估算');
  assert.match(await text('#assumptions li[data-parameter="lower_grade_max"]'), /一至四年级/);
  await page.screenshot({ path: join(outDir, 'demo-estimate-zh.png'), fullPage: true });
});

test('what to bring is listed with its clause, only when eligible', async () => {
  // 篇三: 家长在学校下发的服务工作致家长一封信中，进行书面签字提出服务申请 — the signed letter.
  await fill({ stage: 'primary', grade: '1', applied: 'true' }, [], 'school-schedule-2020');
  await page.waitForFunction(() => document.querySelector('#documents li[data-document="signed_letter"]') !== null);
  assert.match(await text('#documents h3'), /申请时需提交/);
  assert.match(await text('#documents li[data-document="signed_letter"]'), /致家长一封信/);
  assert.match(await text('#documents li[data-document="signed_letter"] blockquote.cite'), /書面簽字/);
  await fill({ stage: 'junior', grade: '1', applied: 'true' }, [], 'school-schedule-2020');
  await page.waitForFunction(() => document.querySelector('#documents').hidden);
});

test('what else the same child can get: every other program, eligible, not, or what it still needs', async () => {
  // A grade-3 低保 pupil in Wanzhou, 60 class-hours a month: under Jilin's plan the 低保 child is a
  // poor-family pupil (家庭经济困难) and pays half of 80.00 a month, 40.00; the school timetable
  // plan still needs the written application.
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, ['dibao']);
  await page.waitForFunction(() => document.querySelector('#elsewhere tr[data-pack="jilin-district-2020"]') !== null);
  assert.match(await text('#elsewhere tr[data-pack="jilin-district-2020"] td'), /40\.00/);
  assert.match(await text('#elsewhere tr[data-pack="school-schedule-2020"] td'), /还需填写/);
  assert.equal(await page.locator('#elsewhere tr[data-pack="chongqing-wanzhou-2020"]').count(), 0, 'not the program on the form');
});

test('an invalid value is marked at the field with the message from validate', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '-1' }, []);
  const msg = page.locator('#m-class_hours');
  await page.waitForFunction(() => document.querySelector('#m-class_hours')?.textContent !== '');
  assert.equal(await msg.innerText(), '“每月课时数”应在 0–10000 之间');
  assert.equal(await page.getAttribute('#f-class_hours', 'aria-invalid'), 'true');
  assert.equal(await page.locator('#outcome').isHidden(), true);
  await page.fill('#f-grade', '3.5');
  assert.match(await text('#m-grade'), /年级/);
  await page.screenshot({ path: join(outDir, 'demo-invalid-zh.png'), fullPage: true });
  await page.click('#lang');
  assert.equal(await msg.innerText(), 'Class-hours a month must be 0–10000, got -1');
  await page.click('#lang');
  await page.fill('#f-grade', '3');
  await page.fill('#f-class_hours', '60');
  await page.waitForFunction(() => document.querySelector('#m-class_hours')?.textContent === '');
  assert.equal(await page.getAttribute('#f-class_hours', 'aria-invalid'), null);
  assert.equal(await text('#net .amt'), '170.00');
});

test('complete form: 怎样可以少交 lists the cited changes that lower the fee', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
  await page.waitForSelector('#cheaper:not([hidden]) li');
  // 3.00 × h < 170 below the cap: 56 whole hours or fewer, 3.00 × 56 = 168.00; 低保 or 建档立卡 waive it.
  const hours = page.locator('#cheaper li[data-inputs="class_hours"]');
  assert.equal(await hours.getAttribute('data-net'), '168.00');
  assert.match(await hours.innerText(), /每月课时数：56 或以下 → 每月缴费 168\.00 元（现为 170\.00 元）/);
  assert.match(await hours.locator('blockquote.cite').innerText(), /每生每月不超過170元/);
  const dibao = page.locator('#cheaper li[data-inputs="dibao"]');
  assert.equal(await dibao.getAttribute('data-net'), '0.00');
  assert.match(await dibao.locator('blockquote.cite').innerText(), /對建檔立卡貧困戶和低保家庭學生減免課后服務費用/);
  assert.equal(await page.locator('#cheaper li[data-inputs="jianka"]').getAttribute('data-net'), '0.00');
  assert.equal(await page.locator('#cheaper li').count(), 3);
  await page.screenshot({ path: join(outDir, 'demo-whatif-zh.png'), fullPage: true });
  const ms = await page.evaluate(() => window.huiminDemo.benchWhatIf(100));
  const line = `browser what-if (chongqing-wanzhou-2020, 60 hours, pay_less, 100 runs): ${(ms * 1000).toFixed(0)} µs`;
  console.log(line);
  writeFileSync(join(outDir, 'browser-whatif-timing.txt'), `${line}\n`);
});

test('half-filled form: 还需要填写什么 shows the range still possible and the blanks that matter', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '' }, []);
  await page.waitForSelector('#partial:not([hidden])');
  assert.equal(await page.locator('#outcome').isHidden(), true);
  // Hours unknown: 3.00 × 0 = 0.00 at least, the cap 170.00 at most; the stage given makes it eligible.
  assert.equal(await page.getAttribute('#p-net', 'data-min'), '0.00');
  assert.equal(await page.getAttribute('#p-net', 'data-max'), '170.00');
  assert.equal(await page.getAttribute('#p-eligible', 'data-value'), 'yes');
  assert.equal(await page.locator('#p-still .chip[data-input="class_hours"]').count(), 1);
  await page.screenshot({ path: join(outDir, 'demo-partial-zh.png'), fullPage: true });
  await page.fill('#f-class_hours', '60');
  await page.waitForSelector('#partial[hidden]', { state: 'attached' });
  assert.equal(await text('#net .amt'), '170.00');
});

test('per-evaluation time measured in the page', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, ['dual_worker']);
  const explained = await page.evaluate(() => window.huiminDemo.bench(1000, true));
  const quick = await page.evaluate(() => window.huiminDemo.bench(1000, false));
  const line = `browser evaluation (chongqing-wanzhou-2020, 1000 runs): ${(explained * 1000).toFixed(1)} µs with explanation, ${(quick * 1000).toFixed(1)} µs without`;
  console.log(line);
  writeFileSync(join(outDir, 'browser-timing.txt'), `${line}\n`);
  assert.ok(explained > 0 && explained < 50, `${explained} ms per evaluation`);
});

test('a panic in the page is a HuiminError with code internal, and the form goes on working', async () => {
  const e = await page.evaluate(async () => {
    const { _panicForTest } = await import('./huimin/index.js');
    try {
      _panicForTest();
    } catch (e) {
      return { name: e.name, kind: e.kind, code: e.code, message: e.message };
    }
    return null;
  });
  assert.deepEqual(e, {
    name: 'HuiminError',
    kind: 'internal',
    code: 'internal',
    message: 'internal error in huimin (a bug, not a problem with the data or the pack; please report it with the input that caused it): _panic_for_test: here',
  });
  // the demo's policies compile again in the fresh instance
  await fill({ stage: 'primary', grade: '6', class_hours: '40' }, ['dibao']);
  await page.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '0.00');
  assert.equal(await text('#gross .amt'), '120.00');
});

test('when the engine cannot load, the page says so in its language and shows no form', async () => {
  for (const [query, want, shot] of [
    ['', /无法加载计算引擎（WebAssembly）/, 'demo-no-engine-zh.png'],
    ['?lang=en', /The calculation engine \(WebAssembly\) could not be loaded/, 'demo-no-engine-en.png'],
  ]) {
    const p = await ctx.newPage();
    await p.route('**/*.wasm', (route) => route.abort());
    await p.goto(server.url + query);
    await p.waitForSelector('body[data-ready="failed"]', { timeout: 30000 });
    assert.match(await p.locator('#status').innerText(), want);
    assert.equal(await p.locator('#form').isVisible(), false);
    assert.equal(await p.locator('#outcome').isVisible(), false);
    assert.equal(await p.locator('html').getAttribute('lang'), query ? 'en' : 'zh-CN');
    await p.screenshot({ path: join(outDir, shot), fullPage: true });
    await p.close();
  }
});

test('no page errors and no requests off 127.0.0.1', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(offsite, []);
});
