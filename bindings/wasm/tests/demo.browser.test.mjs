// The demo application form in headless Chromium (playwright-core, Debian's /usr/bin/chromium),
// served from 127.0.0.1 with every other host blocked (the page must work offline).
// Run after scripts/build-wasm.sh:  node --test bindings/wasm/tests/demo.browser.test.mjs
// Screenshots, the printed summary and the timings go to test-output/wasm/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/serve.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const demoDir = fileURLToPath(new URL('../demo/', import.meta.url));
const toolsDir = process.env.WASM_TOOLS_DIR || join(repo, '.tools', 'wasm-node');
const outDir = process.env.HUIMIN_TEST_OUTPUT || join(repo, 'test-output', 'wasm');
const { chromium } = createRequire(join(toolsDir, 'package.json'))('playwright-core');

const PACK = 'chongqing-wanzhou-2020';
const PHONE = { width: 390, height: 844 };
let server;
let browser;
let ctx;
let page;
const problems = [];
const offsite = [];

// A context that may reach only `origin`; the page's own service worker is blocked unless a
// test asks for it (it would answer requests the tests intercept).
async function context(origin, options = {}) {
  const c = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block', ...options });
  await c.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  return c;
}

async function open(c, url = server.url) {
  const p = await c.newPage();
  p.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  p.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await p.goto(url);
  await p.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  // The form is usable on the form's module; the whole engine follows (what would change…).
  await p.waitForSelector('body[data-engine="whole"]', { timeout: 30000 });
  return p;
}

before(async () => {
  mkdirSync(outDir, { recursive: true });
  server = await startServer(demoDir);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  ctx = await context(server.url);
  page = await open(ctx);
  // The packs not selected are compiled when the page is idle; the tests use them all.
  await page.waitForSelector('body[data-packs="all"]', { timeout: 30000 });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

const text = (sel) => page.locator(sel).innerText();

async function fillIn(p, values, tags, pack = PACK, asOf = '2021-03-01') {
  await p.selectOption('#pack', pack);
  await p.fill('#as_of', asOf);
  for (const [name, value] of Object.entries(values)) {
    const el = p.locator(`#f-${name}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  for (const box of await p.locator('#tags input[type=checkbox]').all()) {
    await box.setChecked(tags.includes(await box.getAttribute('value')));
  }
}

const fill = (values, tags, pack) => fillIn(page, values, tags, pack);

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
  // The parent reads one sentence in the pack's plain words, with its clause; the analyst's
  // trace is folded under it.
  const said = page.locator('#plain li');
  assert.equal(await said.count(), 1);
  assert.match(await said.first().innerText(), /^每课时3\.00元，60课时，每月最多收170元 → 170\.00元/);
  assert.match(await said.first().locator('blockquote.cite').innerText(), /每生每月不超過170元/);
  assert.equal(await page.locator('#why').isVisible(), false);
  await page.locator('#trace').evaluate((d) => { d.open = true; });
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
  // 3.00 × 40 = 120.00, waived at the pack's assumed 100%: an estimate, said so.
  const waiver = page.locator('#plain li[data-rule="poverty_waiver"]');
  assert.match(await waiver.innerText(), /^建档立卡、低保家庭的孩子免收服务费：减免120\.00元 估算/);
  const cite = page.locator('#plain li[data-rule="poverty_waiver"] blockquote.cite');
  assert.match(await cite.innerText(), /對建檔立卡貧困戶和低保家庭學生減免課后服務費用/);
  await page.screenshot({ path: join(outDir, 'demo-waiver-zh.png'), fullPage: true });
});

test('English toggle relabels the page and keeps the numbers', async () => {
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await text('h1'), 'After-school care: what will it cost?');
  assert.equal(await text('#net .amt'), '0.00');
  assert.match(await text('#eligible'), /Yes/);
  assert.match(await text('#plain li[data-rule="poverty_waiver"]'), /^Children of registered-poverty and minimum-allowance families pay no fee: 120\.00 yuan off estimate/);
  assert.match(await text('#plain li[data-rule="poverty_waiver"] blockquote.cite'), /minimum-allowance students/);
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

test('a number the district sets is not asked of the parent; its default is marked as an estimate', async () => {
  // Hefei: 所在县（市）区确定的保障标准 is set_by the county or district. Basic care, no courses:
  // the pack's default 150 stands in, max(150, floor 150) = 150.00 paid by the district.
  await page.selectOption('#pack', 'hefei-2020');
  assert.equal(await page.locator('#f-district_standard').count(), 0, 'the form does not ask for it');
  await fill({ stage: 'primary', basic_care: 'true' }, [], 'hefei-2020');
  await page.waitForFunction(() => document.querySelector('#subsidy-total .amt')?.textContent === '150.00');
  assert.equal(await text('#subsidy-total abbr.est'), '估算');
  assert.equal(await page.locator('#net abbr.est').count(), 0, 'the fee does not read the standard');
  const standard = page.locator('#assumptions li[data-parameter="district_standard"]');
  assert.equal(await standard.locator('.value').innerText(), '150');
  assert.match(await standard.innerText(), /所在县（市）区确定/);
});

test('a date the policy is not in force on is said plainly, in the page\'s language', async () => {
  // Wanzhou applies from 2020-09-01; on 2020-08-31 nothing can be worked out.
  await fillIn(page, { stage: 'primary', grade: '3', class_hours: '60' }, [], PACK, '2020-08-31');
  const zh = '无法测算：这项政策从 2020-09-01 起施行，2020-08-31 尚未生效；请选择 2020-09-01 及以后的日期。';
  await page.waitForFunction((want) => document.querySelector('#status').textContent === want, zh);
  assert.doesNotMatch(await text('#status'), /chongqing-wanzhou-2020/, 'no pack id');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Cannot decide: This policy applies from 2020-09-01'));
  await page.click('#lang');
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
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
    // The whole module, which the demo runs on once loaded.
    const { _panicForTest } = await import('./huimin/init.js');
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

test('when only the whole engine cannot load, the form still decides, without what it adds', async () => {
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.route('**/huimin/huimin_wasm_bg.wasm', (route) => route.abort());
  const warned = p.waitForEvent('console', (m) => m.type() === 'warning' && m.text().includes('the whole engine did not load'));
  await p.goto(server.url);
  await p.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  await warned;
  // Chongqing Wanzhou: 60 hours at 3 yuan is 180, over the 170 a month cap; dibao pays nothing.
  await fillIn(p, { stage: 'primary', grade: '3', class_hours: '60' }, ['dibao']);
  await p.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '0.00');
  assert.equal(await p.locator('#gross .amt').innerText(), '170.00');
  assert.equal(await p.locator('#cheaper').isVisible(), false);
  assert.equal(await p.getAttribute('body', 'data-engine'), null);
  assert.deepEqual(errors, []);
  await p.close();
});

test('changing the city while a field has the focus keeps the answers and throws nothing', async () => {
  // The browser sends the focused field's pending change while the form is being replaced.
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
  await page.selectOption('#pack', 'hefei-2020');
  await page.fill('#f-personalised_price', '500');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-personalised_price');
  await page.selectOption('#pack', 'faku-school-2017');
  assert.deepEqual(problems, []);
  assert.equal(await page.inputValue('#f-stage'), 'primary');
  assert.match(await text('#m-grade'), /年级/);
  // A question the new form asks too keeps the focus, and the answer.
  await page.fill('#f-grade', '4');
  await page.selectOption('#pack', 'school-schedule-2020');
  assert.deepEqual(problems, []);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-grade');
  assert.equal(await page.inputValue('#f-grade'), '4');
});

test('a subsidy paid for the child is in its own box, not in the money the family pays', async () => {
  // Changchun: care is free; the city and district pay 215.50 a year for the child, 6:4.
  await fill({ stage: 'primary', months: '12' }, [], 'changchun-beilei-2017');
  await page.waitForSelector('#for-child:not([hidden]) tr[data-rule="care_funding"]');
  assert.equal(await text('#for-child h3'), '政府为您的孩子支付');
  assert.equal(await text('#for-child tr[data-rule="care_funding"] td .amt'), '215.50');
  assert.match(await text('#for-child tr[data-rule="care_funding"] .parts'), /市财政 129\.30 元 · 城区、开发区财政 86\.20 元/);
  assert.equal(await text('#subsidy-total .amt'), '215.50');
  assert.equal(await text('#net .amt'), '0.00');
  // The family's table holds the fee, the reductions and the net fee only.
  const family = await page.locator('#outcome > table.money th').allInnerTexts();
  assert.ok(family.every((th) => !/补贴|经费/.test(th)), JSON.stringify(family));
  assert.equal(await page.locator('#outcome > table.money [data-rule="care_funding"]').count(), 0);
  // Wanzhou has no subsidy: no box.
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
  await page.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '170.00');
  assert.equal(await page.locator('#for-child').isHidden(), true);
});

test('print: a clean summary of what was asked and what it gives, without the form', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, ['dual_worker']);
  await page.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '170.00');
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  assert.equal(await text('#print'), '打印 / 保存摘要');
  await page.click('#print');
  assert.equal(await page.evaluate(() => window.printed), 1);
  await page.emulateMedia({ media: 'print' });
  try {
    for (const hidden of ['#form', '#bar', '#print', '.lead', '#lang', '#cheaper']) {
      assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} is printed`);
    }
    assert.equal(await text('#print-pack'), '万州区中小学课后服务 · 重庆市万州区');
    const asked = await text('#print-inputs');
    assert.match(asked, /测算日期\s+2021-03-01/);
    assert.match(asked, /每月课时数\s+60/);
    assert.match(asked, /家庭情况（可多选）\s+双职工家庭$/);
    assert.equal(await text('#net .amt'), '170.00');
    assert.equal(await page.locator('#plain').isVisible(), true);
    assert.equal(await page.locator('#trace').isVisible(), false);
    await page.pdf({ path: join(outDir, 'demo-print-zh.pdf') });
  } finally {
    await page.emulateMedia({ media: null });
  }
  await page.click('#lang');
  assert.equal(await text('#print'), 'Print / save summary');
  assert.match(await page.locator('#print-inputs').textContent(), /Class-hours a month60/);
  await page.click('#lang');
});

// Every element's box within the screen's width, and the page not scrollable sideways.
const overflow = (p) => p.evaluate(() => {
  const width = window.innerWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth} > ${width}`);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > width + 0.5 || r.left < -0.5) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${el.className}` : ''} ${r.left.toFixed(1)}–${r.right.toFixed(1)}`);
    }
  }
  return out;
});

test('from 320 to 1280 px nothing runs off the screen: four programs, in Chinese and English', async () => {
  const forms = [
    [PACK, { stage: 'primary', grade: '3', class_hours: '60' }, ['dibao'], '2021-03-01', '0.00'],
    ['wuhu-opinion-2021', { stage: 'primary', remote: 'true' }, [], '2021-10-01', '300.00'],
    ['jinan-school-2019', { stage: 'primary', applied: 'true' }, ['left_behind'], '2021-03-01', '200.00'],
    ['changchun-beilei-2017', { stage: 'primary', months: '12' }, [], '2021-03-01', '0.00'],
  ];
  const p = await open(ctx);
  await p.waitForSelector('body[data-packs="all"]');
  try {
    for (const [pack, values, tags, asOf, net] of forms) {
      await p.setViewportSize(PHONE);
      await fillIn(p, values, tags, pack, asOf);
      await p.waitForFunction((n) => document.querySelector('#net .amt')?.textContent === n, net);
      // Screenshots at 390 and 1280 px; 320 px (the narrowest phone) is checked too.
      for (const [width, lang] of [[390, 'zh'], [390, 'en'], [320, 'en'], [320, 'zh'], [1280, 'zh'], [1280, 'en']]) {
        if (width !== p.viewportSize().width) await p.setViewportSize(width === 390 ? PHONE : { width, height: 900 });
        if ((await p.getAttribute('html', 'lang')) !== (lang === 'zh' ? 'zh-CN' : 'en')) await p.click('#lang');
        assert.equal(await p.locator('#net .amt').innerText(), net);
        assert.match(await p.locator('#net').innerText(), lang === 'zh' ? /元/ : /¥/);
        assert.deepEqual(await overflow(p), [], `${pack} ${lang} at ${width} px`);
        if (width !== 320) await p.screenshot({ path: join(outDir, `layout-${pack}-${lang}-${width}.png`), fullPage: true });
      }
    }
  } finally {
    await p.close();
  }
});

test('screen readers: one short status, field messages described, required fields marked', async () => {
  await fill({ stage: 'primary', grade: '3', class_hours: '60' }, []);
  await page.waitForFunction(() => document.querySelector('#summary')?.textContent === '实缴金额 170.00 元（每月），可以参加');
  const roles = await page.evaluate(() => ({
    status: [...document.querySelectorAll('[role=status]')].map((e) => e.id),
    alert: [...document.querySelectorAll('[role=alert]')].map((e) => e.id),
    live: [...document.querySelectorAll('[aria-live]')].map((e) => e.id),
  }));
  assert.deepEqual(roles, { status: ['summary'], alert: ['m-form'], live: [] });
  for (const id of ['as_of', 'f-stage', 'f-grade', 'f-class_hours']) {
    assert.equal(await page.getAttribute(`#${id}`, 'aria-required'), 'true', id);
  }
  assert.equal(await page.getAttribute('#f-grade', 'aria-describedby'), 'h-grade m-grade');
  assert.equal(await text('#h-grade'), '范围 1–12');
  assert.equal(await page.getAttribute('#f-stage', 'aria-describedby'), 'm-stage');
  // An optional field is not marked required.
  await page.selectOption('#pack', 'hefei-2020');
  assert.equal(await page.getAttribute('#f-basic_care', 'aria-required'), 'true');
  assert.equal(await page.getAttribute('#f-personalised_price', 'aria-required'), null);
  // The status follows the form: a wrong value, a waived fee.
  await fill({ stage: 'primary', grade: '3', class_hours: 'x' }, []);
  await page.waitForFunction(() => document.querySelector('#summary').textContent === '请更正标记的内容。');
  assert.equal(await page.getAttribute('#f-class_hours', 'aria-invalid'), 'true');
  assert.notEqual(await text('#m-class_hours'), '');
  await fill({ stage: 'primary', grade: '6', class_hours: '40' }, ['dibao']);
  await page.waitForFunction(() => document.querySelector('#summary').textContent === '实缴金额 0.00 元（每月，估算），可以参加');
  await page.click('#lang');
  assert.equal(await text('#summary'), 'You pay ¥0.00 a month (estimate) · eligible');
  await page.click('#lang');
});

test('on a phone the summary bar stays in view while the form is filled in', async () => {
  const p = await open(ctx);
  try {
    await p.setViewportSize(PHONE);
    await fillIn(p, { stage: 'primary', grade: '3', class_hours: '60' }, ['dual_worker']);
    await p.waitForFunction(() => document.querySelector('#summary').textContent === '实缴金额 170.00 元（每月），可以参加');
    const place = () => p.evaluate(() => {
      const box = (sel) => document.querySelector(sel).getBoundingClientRect();
      return { bar: box('#bar'), net: box('#net'), focused: document.activeElement.getBoundingClientRect(), height: window.innerHeight };
    });
    // A field near the top: the result is far below, out of sight; the bar is in view.
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.focus('#f-stage');
    let at = await place();
    assert.ok(at.net.top > at.height, `the result is in view (${at.net.top} < ${at.height}): nothing to prove`);
    assert.ok(at.bar.top >= 0 && at.bar.bottom <= at.height, JSON.stringify(at.bar));
    await p.screenshot({ path: join(outDir, 'demo-bar-top-zh.png') });
    // Further down, the bar is held at the top of the screen, above the focused field.
    await p.locator('#tags input').last().focus();
    at = await place();
    assert.equal(at.bar.top, 0);
    assert.ok(at.focused.top >= at.bar.bottom, `the focused field is under the bar: ${at.focused.top} < ${at.bar.bottom}`);
    assert.equal(await p.locator('#summary').innerText(), '实缴金额 170.00 元（每月），可以参加');
    await p.screenshot({ path: join(outDir, 'demo-bar-scrolled-zh.png') });
  } finally {
    await p.close();
  }
});

test('axe-core finds no serious or critical accessibility problem', async () => {
  const p = await open(ctx);
  const states = [];
  const run = async (name) => {
    await p.addScriptTag({ path: join(toolsDir, 'node_modules', 'axe-core', 'axe.min.js') });
    const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    states.push(`${name}: ${r.violations.map((v) => `${v.id} (${v.impact})`).join(', ') || 'none'}`);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${name}: ${v.id}: ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  };
  try {
    await p.setViewportSize(PHONE);
    const found = [...await run('empty form, zh')];
    await fillIn(p, { stage: 'primary', grade: '3', class_hours: '60' }, ['dibao']);
    await p.waitForSelector('#outcome:not([hidden])');
    found.push(...await run('result, zh'));
    await p.fill('#f-class_hours', '-1');
    await p.waitForSelector('#f-class_hours[aria-invalid="true"]');
    await p.click('#lang');
    found.push(...await run('a wrong value, en'));
    await fillIn(p, { stage: 'primary', months: '12' }, [], 'changchun-beilei-2017');
    await p.waitForSelector('#for-child:not([hidden])');
    found.push(...await run('a subsidy, en'));
    console.log(`axe-core: ${states.join('; ')}`);
    assert.deepEqual(found, []);
  } finally {
    await p.close();
  }
});

test('after the first visit the page works offline (service worker)', async () => {
  // Its own server (its own origin, so its own worker), shut down before the offline visit.
  const own = await startServer(demoDir);
  const c = await context(own.url, { serviceWorkers: 'allow' });
  try {
    const p = await open(c, own.url);
    await p.waitForSelector('#offline:not([hidden])', { timeout: 30000 });
    assert.equal(await p.locator('#offline').innerText(), '本页已保存在本浏览器中，断网时也能使用。');
    await own.close();
    await c.setOffline(true);
    await p.reload();
    await p.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    assert.equal(await p.evaluate(() => navigator.serviceWorker.controller !== null), true);
    // The whole engine, loaded after the form was usable, was kept too.
    await p.waitForSelector('body[data-engine="whole"]', { timeout: 30000 });
    await fillIn(p, { stage: 'primary', grade: '3', class_hours: '60' }, []);
    await p.waitForFunction(() => document.querySelector('#net .amt')?.textContent === '170.00');
    // Every pack, each its own file fetched after the page was ready, comes from the copy too.
    await p.waitForSelector('body[data-packs="all"]', { timeout: 30000 });
    const offline = await p.evaluate(() => ({ failed: window.huiminDemo.failed, compiled: window.huiminDemo.compiled.length }));
    assert.deepEqual(offline, { failed: [], compiled: 16 });
    await p.goto(`${own.url}?lang=en`);
    await p.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    assert.equal(await p.getAttribute('html', 'lang'), 'en');
  } finally {
    await c.close();
    await own.close();
  }
});

test('time to usable on a slow phone (Slow 4G-like network, 4× slower CPU), a figure; only the form\'s module and the chosen program first', async () => {
  const identity = await startServer(demoDir, 0, { gzip: false });
  const lines = [];
  try {
    for (const [how, origin] of [['compressed (brotli -11 files from build-wasm.sh, else gzip)', server.url], ['uncompressed', identity.url]]) {
      const c = await browser.newContext({ viewport: PHONE, serviceWorkers: 'block' });
      await c.addInitScript(() => {
        new MutationObserver(() => {
          if (window.wholeAt === undefined && document.body?.dataset.engine === 'whole') window.wholeAt = performance.now();
          if (window.readyAt !== undefined || document.body?.dataset.ready !== '1') return;
          window.readyAt = performance.now();
          window.compiledAtReady = window.huiminDemo.compiled;
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready', 'data-engine'] });
      });
      const p = await c.newPage();
      p.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
      p.on('request', (r) => { if (!r.url().startsWith(origin)) offsite.push(r.url()); });
      const cdp = await c.newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8),
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await p.goto(origin, { waitUntil: 'commit', timeout: 60000 });
      await p.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
      // Ready is after the first result (the empty form's summary); then a complete form's.
      const first = await p.evaluate(() => ({
        ready: window.readyAt,
        compiled: window.compiledAtReady,
        summary: document.querySelector('#summary').textContent,
        bytes: performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .reduce((n, e) => n + e.transferSize, 0),
      }));
      const decided = await p.evaluate(() => {
        const t0 = performance.now();
        document.querySelector('#f-stage').value = 'primary';
        document.querySelector('#f-months').value = '12';
        document.querySelector('#form').dispatchEvent(new Event('input', { bubbles: true }));
        return { ms: performance.now() - t0, net: document.querySelector('#net .amt')?.textContent };
      });
      // Only the program on the form was compiled before the page was ready; the rest follow.
      assert.deepEqual(first.compiled, ['changchun-beilei-2017']);
      assert.notEqual(first.summary, '');
      assert.equal(decided.net, '0.00');
      await p.waitForSelector('body[data-packs="all"]', { timeout: 60000 });
      await p.waitForSelector('body[data-engine="whole"]', { timeout: 60000 });
      const wholeAt = await p.evaluate(() => window.wholeAt);
      lines.push(`time to usable, ${how} (latency 150 ms, 1.6 Mbit/s down, 4× CPU, no cache): `
        + `${first.ready.toFixed(0)} ms from navigation to the form ready with its first result `
        + `(${(first.bytes / 1024).toFixed(0)} KiB transferred); a complete form then decided in ${decided.ms.toFixed(0)} ms; `
        + `the whole engine (what would change, ranges, other programs) in at ${wholeAt.toFixed(0)} ms`);
      await c.close();
    }
  } finally {
    await identity.close();
  }
  console.log(lines.join('\n'));
  writeFileSync(join(outDir, 'time-to-usable.txt'), `${lines.join('\n')}\n`);
});

test('no page errors and no requests off 127.0.0.1', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(offsite, []);
});
