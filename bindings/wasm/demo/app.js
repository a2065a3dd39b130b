// A parent's application form for after-school care, driven entirely by huimin in WebAssembly.
// The form is generated from each pack's input schema; every check and every number comes from
// the engine (validate / evaluate) — this file only builds the page and shows the results.
import { PACKS } from './packs.js';

const UI = {
  zh: {
    title: '课后服务费用测算',
    lead: '选择所在城市，填写孩子的年级、家庭情况和每月预计课时，页面会即时算出能否参加、收费、减免和补贴，并列出依据的政策条款。所有计算都在本机浏览器中完成，不上传任何信息。',
    city: '城市 / 政策',
    as_of: '测算日期',
    child: '孩子与家庭',
    tags: '家庭情况（可多选）',
    result: '测算结果',
    eligible: '能否参加',
    priority: '优先保障群体',
    category: '类别',
    gross: '应收费用',
    reduction_total: '减免合计',
    net: '实缴金额',
    subsidy_total: '补贴合计',
    who_pays: '各方承担',
    why: '为什么？',
    trace: '完整计算过程（逐条规则，供核对）',
    for_child: '政府为您的孩子支付',
    for_child_note: '这些补贴不计入上面的实缴金额。',
    req_note: '带 * 的为必填项。',
    details: '查看详情',
    print: '打印 / 保存摘要',
    offline: '本页已保存在本浏览器中，断网时也能使用。',
    footer: 'huimin 惠民 · 规则引擎以 WebAssembly 在浏览器内运行，离线可用。',
    toggle: 'English',
    yes_eligible: '可以参加',
    not_eligible: '不符合参加条件',
    none: '无',
    choose: '请选择',
    yes: '是',
    no: '否',
    optional: '（选填）',
    range: (min, max) => (max == null ? `不小于 ${min}` : min == null ? `不大于 ${max}` : `范围 ${min}–${max}`),
    period: (p) => `以下用量按${{ day: '每天', week: '每周', month: '每月', semester: '每学期', year: '每年', once: '一次' }[p] || p}计。`,
    valid: (from, until) => `有效期：${from} 起${until ? `，至 ${until}` : ''}`,
    fill_in: (names) => `请填写：${names.join('、')}`,
    fix: '请更正标记的内容。',
    cannot: '无法测算：',
    paid_by: (who) => `（由${who}支付）`,
    amount: (a) => `<span class="amt">${a}</span> 元`,
    timing: (ms) => `本次计算用时 ${ms} 毫秒（在本机浏览器中）`,
    no_packs: '没有可用的课后服务政策包。',
    no_engine: '无法加载计算引擎（WebAssembly）。请使用较新的浏览器，或检查网络后刷新页面；本页不会在没有引擎时给出任何金额。',
    failed: (files) => `以下政策包未能加载：${files.join('，')}`,
    kinds: { parameter: '参数', eligibility: '参加条件', category: '类别', priority: '优先', fee: '收费', reduction: '减免', subsidy: '补贴', split: '分担', entitlement: '服务' },
    source: '依据',
    other_rules: (n) => `其他已检查但不适用的规则（${n} 条）`,
    at_least: '至少',
    per: { day: '每天', week: '每周', month: '每月', semester: '每学期', year: '每年', once: '一次' },
    estimate: '估算',
    estimate_title: '此数值依据政策原文未给出的估算值',
    assumptions: '标有“估算”的结果依据下列政策原文未给出的数值：',
    documents: '申请时需提交',
    elsewhere: '同一个孩子在其他项目中',
    partial_title: '还需要填写什么',
    cheaper_title: '怎样可以少交',
    join_title: '怎样可以参加',
    depends: (names) => `取决于${names.join('、')}`,
    between: (a, b) => (a === b ? `${a} 元` : `${a} 至 ${b} 元`),
    still: '仍会影响结果：',
    settled: '不再影响结果，可不填：',
    fact: '如果情况如此（不是可以选择的）',
    status: {
      eligible: (a, per) => `符合：家庭支付 ${a} 元${per}`,
      not_eligible: '不符合',
      needs: '还需填写',
      invalid: '信息有误',
    },
    // The one-line summary in the bar (and what a screen reader announces).
    bar: {
      pays: (a, per, estimate) => `实缴金额 ${a} 元（${per}${estimate ? '，估算' : ''}）`,
      range: (a, b, per) => `实缴金额 ${a === b ? a : `${a} 至 ${b}`} 元（${per}）`,
      eligible: '可以参加',
      join: (parts) => parts.join('，'),
    },
  },
  en: {
    title: 'After-school care: what will it cost?',
    lead: 'Choose your city, enter your child’s grade, your household’s circumstances and the expected class-hours per month: the page shows at once whether your child can take part, the fee, each reduction and subsidy, and the policy clauses they come from. Everything is computed in this browser; nothing is sent anywhere.',
    city: 'City / policy',
    as_of: 'Date',
    child: 'Child and household',
    tags: 'Household circumstances (any that apply)',
    result: 'Result',
    eligible: 'Can take part',
    priority: 'Priority groups',
    category: 'Category',
    gross: 'Fee before reductions',
    reduction_total: 'Reductions',
    net: 'You pay',
    subsidy_total: 'Subsidies',
    who_pays: 'Who pays what',
    why: 'Why?',
    trace: 'The full working, rule by rule (for checking)',
    for_child: 'Paid by the government for your child',
    for_child_note: 'These subsidies are not part of what you pay, above.',
    req_note: 'Fields marked * are required.',
    details: 'Details',
    print: 'Print / save summary',
    offline: 'This page is saved in this browser and works without a connection.',
    footer: 'huimin 惠民 · the rules engine runs in this browser as WebAssembly and works offline.',
    toggle: '中文',
    yes_eligible: 'Yes',
    not_eligible: 'Not eligible',
    none: 'None',
    choose: 'Choose…',
    yes: 'Yes',
    no: 'No',
    optional: '(optional)',
    range: (min, max) => (max == null ? `at least ${min}` : min == null ? `at most ${max}` : `${min}–${max}`),
    period: (p) => `Quantities are per ${p}.`,
    valid: (from, until) => `In force from ${from}${until ? ` until ${until}` : ''}`,
    fill_in: (names) => `Please fill in: ${names.join(', ')}`,
    fix: 'Please correct the marked entries.',
    cannot: 'Cannot decide: ',
    paid_by: (who) => `(paid by ${who})`,
    amount: (a) => `¥<span class="amt">${a}</span>`,
    timing: (ms) => `Computed in ${ms} ms, in this browser`,
    no_packs: 'No after-school policy packs are available.',
    no_engine: 'The calculation engine (WebAssembly) could not be loaded. Use a recent browser, or check the connection and reload; this page gives no amount without it.',
    failed: (files) => `These packs could not be loaded: ${files.join(', ')}`,
    kinds: { parameter: 'parameter', eligibility: 'eligibility', category: 'category', priority: 'priority', fee: 'fee', reduction: 'reduction', subsidy: 'subsidy', split: 'split', entitlement: 'service' },
    source: 'Source',
    other_rules: (n) => `Other rules checked that do not apply (${n})`,
    at_least: 'at least',
    per: { day: 'a day', week: 'a week', month: 'a month', semester: 'a semester', year: 'a year', once: 'once' },
    estimate: 'estimate',
    estimate_title: 'rests on a value the policy document does not state',
    assumptions: 'Results marked “estimate” rest on these values, which the policy document does not state:',
    documents: 'What to bring when you apply',
    elsewhere: 'The same child under the other programs',
    partial_title: 'What is still needed',
    cheaper_title: 'How to pay less',
    join_title: 'How to become eligible',
    depends: (names) => `depends on ${names.join(', ')}`,
    between: (a, b) => (a === b ? `¥${a}` : `¥${a} to ¥${b}`),
    still: 'Still changes the result: ',
    settled: 'No longer changes it, may be left blank: ',
    fact: 'if this were so (not a choice)',
    status: {
      eligible: (a, per) => `eligible: the family pays ${a} yuan ${per}`,
      not_eligible: 'not eligible',
      needs: 'still needs',
      invalid: 'not valid',
    },
    bar: {
      pays: (a, per, estimate) => `You pay ¥${a} ${per}${estimate ? ' (estimate)' : ''}`,
      range: (a, b, per) => `You pay ${a === b ? `¥${a}` : `¥${a} to ¥${b}`} ${per}`,
      eligible: 'eligible',
      join: (parts) => parts.join(' · '),
    },
  },
};

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
const t = () => UI[lang];
const label = (text) => (text ? text[lang] || text.zh || text.en : '');

// ---------------------------------------------------------------- packs
// The city list is packs.js (each pack's file, id, name and kind); a pack's JSON is fetched and
// compiled when it is first selected, and the others when the page is idle (see compileRest),
// so that the page is usable after one pack has come, not all of them.
const packs = PACKS.filter((p) => p.kind === 'after_school').map((p) => ({ ...p }));
const failed = [];

// Fetches a pack's text, once however many ask; true when it came. A pack that cannot be
// fetched is recorded as failed, like one that does not compile, and leaves the list.
function fetchPack(pack) {
  pack.fetched ??= (async () => {
    try {
      const res = await fetch(`packs/${pack.file}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      pack.text = await res.text();
      return true;
    } catch (e) {
      failed.push({ file: pack.file, error: { kind: 'fetch', message: String(e) } });
      console.warn(`huimin demo: ${pack.file} could not be fetched:`, e);
      if (packs.includes(pack)) packs.splice(packs.indexOf(pack), 1);
      return false;
    }
  })();
  return pack.fetched;
}

// ---------------------------------------------------------------- engine
// Two modules: the form's (huimin/form: compile, validate, evaluate) is loaded first, so that
// the form is usable after it alone; the whole engine (what would change, the half-filled
// form's ranges, the other programs) follows in the background (loadWhole). Loaded here
// rather than by a static import, so that a browser without WebAssembly, or a module that
// fails to download, leaves a message instead of a blank form. The first pack is fetched
// meanwhile, not after.
if (packs[0]) fetchPack(packs[0]);
let engine;
try {
  engine = await import('./huimin/form.js');
  await engine.init();
} catch (e) {
  relabel();
  $('#lang').hidden = true;
  $('#status').textContent = t().no_engine;
  $('#form').hidden = true;
  document.body.dataset.ready = 'failed';
  throw e;
}
const { HuiminError, version } = engine;
let { Policy } = engine;
// Whether the whole engine has replaced the form's.
let whole = false;

// The pack compiled, with its info and input schema; false, with the pack moved from the list
// to `failed`, when it does not compile.
function compile(pack) {
  if (pack.policy) return true;
  try {
    pack.policy = Policy.fromJson(pack.text, pack.file);
  } catch (e) {
    if (!(e instanceof HuiminError)) throw e;
    failed.push({ file: pack.file, error: e.toJSON() });
    console.warn(`huimin demo: ${pack.file} did not compile:`, e.message);
    if (packs.includes(pack)) packs.splice(packs.indexOf(pack), 1);
    return false;
  }
  pack.info = pack.policy.info();
  // Inputs an authority sets (set_by: a district's funding standard) are not the parent's to
  // give: the form leaves them out, and the answer marks the pack's default as an estimate.
  const schema = pack.policy.inputSchema();
  pack.schema = { ...schema, fields: schema.fields.filter((f) => !f.set_by) };
  return true;
}

// "The same child under the other programs" screens every program: the packs not compiled yet
// are compiled one per idle moment, so that typing is never held up by them.
const whenIdle = window.requestIdleCallback || ((f) => setTimeout(f, 0));
function compileRest() {
  const next = packs.find((p) => !p.policy);
  if (!next) {
    document.body.dataset.packs = 'all';
    if (!$('#outcome').hidden) renderElsewhere();
    return;
  }
  if (next.text === undefined) {
    fetchPack(next).then((came) => {
      if (!came) fillPackSelect();
      whenIdle(compileRest);
    });
    return;
  }
  if (!compile(next)) fillPackSelect();
  whenIdle(compileRest);
}

let current = null;
const touched = new Set();
let asOfTouched = false;
let lastParticipant = null;
let rebuilding = false;

function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function defaultAsOf(info) {
  let d = todayIso();
  if (d < info.valid_from) d = info.valid_from;
  if (info.valid_until && d > info.valid_until) d = info.valid_until;
  return d;
}

// ---------------------------------------------------------------- the form
function currentValues() {
  const values = {};
  for (const el of document.querySelectorAll('#fields [name]')) values[el.name] = el.value;
  const tags = [...document.querySelectorAll('#tags input:checked')].map((el) => el.value);
  return { values, tags };
}

// A control is described by its bounds (when it has them) and its message.
function control(f, value, hint) {
  const id = `f-${esc(f.name)}`;
  const aria = `${f.required ? ' aria-required="true"' : ''} aria-describedby="${hint ? `h-${esc(f.name)} ` : ''}m-${esc(f.name)}"`;
  if (f.type === 'choice' || f.type === 'boolean') {
    const options = f.type === 'choice'
      ? f.choices.map((c) => [c.id, label(c.label)])
      : [['true', t().yes], ['false', t().no]];
    const opts = [['', t().choose], ...options]
      .map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`).join('');
    return `<select id="${id}" name="${esc(f.name)}"${aria}>${opts}</select>`;
  }
  const type = f.type === 'date' ? 'date' : 'text';
  const mode = f.type === 'integer' ? ' inputmode="numeric"' : f.type === 'decimal' ? ' inputmode="decimal"' : '';
  const ph = f.default != null ? ` placeholder="${esc(f.default)}"` : '';
  return `<input type="${type}" id="${id}" name="${esc(f.name)}"${mode}${ph} value="${esc(value || '')}"${aria}>`;
}

function buildForm(keep) {
  const { info, schema } = current;
  $('#period-hint').textContent = t().period(info.period);
  $('#pack-desc').textContent = [label(info.jurisdiction), label(info.description), t().valid(info.valid_from, info.valid_until)]
    .filter(Boolean).join(' · ');
  // Replacing a focused field makes the browser send its pending `change` in the middle of the
  // rebuild; onEdit ignores it (its value is in `keep` already).
  rebuilding = true;
  try {
    $('#fields').innerHTML = schema.fields.map((f) => {
      const bounds = f.min != null || f.max != null ? t().range(f.min, f.max) : '';
      const mark = f.required ? '<span class="req" aria-hidden="true">*</span>' : ` <span class="hint">${esc(t().optional)}</span>`;
      return `<div class="field" data-field="${esc(f.name)}">
        <label for="f-${esc(f.name)}">${esc(label(f.label))}${mark}</label>
        ${control(f, keep.values[f.name], bounds)}
        ${bounds ? `<p class="hint" id="h-${esc(f.name)}">${esc(bounds)}</p>` : ''}
        <p class="msg" id="m-${esc(f.name)}"></p>
      </div>`;
    }).join('');
    $('#tags').innerHTML = schema.tags.map((tag) => `<label class="tag">
        <input type="checkbox" name="tag" value="${esc(tag.id)}"${keep.tags.includes(tag.id) ? ' checked' : ''}>
        ${esc(label(tag.label))}</label>`).join('');
  } finally {
    rebuilding = false;
  }
  $('#tags-box').hidden = schema.tags.length === 0;
}

function fillPackSelect() {
  $('#pack').innerHTML = packs.map((p) => `<option value="${esc(p.id)}"${p === current ? ' selected' : ''}>${esc(label(p.name))}</option>`).join('');
  const note = failed.length ? t().failed(failed.map((f) => f.file)) : '';
  let el = $('#pack-failed');
  if (!el) {
    el = document.createElement('p');
    el.id = 'pack-failed';
    el.className = 'warn';
    $('#pack-desc').after(el);
  }
  el.textContent = note;
}

function relabel() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t().title} · huimin`;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t()[el.dataset.t];
  $('#lang').textContent = t().toggle;
  $('#lang').lang = lang === 'zh' ? 'en' : 'zh-CN';
}

// The participant, exactly as typed: empty fields are left out (the engine reports the
// required ones as missing, and applies the defaults of the others).
function participant() {
  const { values, tags } = currentValues();
  const p = { tags };
  for (const [k, v] of Object.entries(values)) if (v.trim() !== '') p[k] = v.trim();
  return p;
}

// ---------------------------------------------------------------- results
function amount(a) {
  return t().amount(esc(a));
}

// The mark of a result that rests on a value the source document does not state.
function est(on) {
  return on ? ` <abbr class="est" title="${esc(t().estimate_title)}">${esc(t().estimate)}</abbr>` : '';
}

function lines(rows, sign = '') {
  return rows.map((l) => `<tr data-rule="${esc(l.rule)}"><th scope="row">${esc(label(l.label))}${est(l.assumed)}</th><td>${sign}${amount(l.amount)}</td></tr>`).join('');
}

function payerName(id) {
  const p = current.info.payers.find((x) => x.id === id);
  return p ? label(p.label) : id;
}

function showValue(v) {
  return v === 'true' ? t().yes : v === 'false' ? t().no : v;
}

const perPeriod = () => t().per[current.info.period] || current.info.period;

function citation(c) {
  if (!c) return '';
  const gloss = lang === 'en' && c.en ? `<span class="gloss">${esc(c.en)}</span>` : '';
  return `<blockquote class="cite" data-clause="${esc(c.id)}"><cite>${esc(t().source)}：${esc(c.document)} ${esc(c.clause)}</cite>
    <q lang="zh">${esc(c.text)}</q>${gloss}</blockquote>`;
}

// The one-line summary in the bar, announced politely; set only when it changes, so that a
// keystroke that changes nothing announces nothing.
function say(text) {
  if ($('#summary').textContent !== text) $('#summary').textContent = text;
}

// "What else can my family get": the child's answers screened under every other program (once
// every pack is compiled).
function renderElsewhere() {
  if (!whole || packs.some((p) => !p.policy)) {
    $('#elsewhere').hidden = true;
    return;
  }
  const others = packs.filter((p) => p !== current).map((p) => p.policy);
  let s;
  try {
    s = Policy.screen({ members: [{ id: 'child', ...lastParticipant }] }, $('#as_of').value, others);
  } catch (e) {
    if (!(e instanceof HuiminError)) throw e;
    $('#elsewhere').hidden = true;
    return;
  }
  const row = (l) => {
    const o = l.outcome;
    const text = o.status === 'eligible'
      ? t().status.eligible(esc(o.net_fee), esc(t().per[l.period] || l.period))
      : o.status === 'not_eligible'
        ? `${esc(t().status.not_eligible)}：${o.reasons.map((r) => esc(label(r.message))).join('；')}`
        : o.status === 'needs'
          ? `${esc(t().status.needs)}：${o.inputs.map((n) => esc(label(n.label))).join('、')}`
          : esc(t().status.invalid);
    return `<tr data-pack="${esc(l.pack)}" class="st-${esc(o.status)}"><th scope="row">${esc(label(l.name))}</th><td>${text}</td></tr>`;
  };
  $('#elsewhere').hidden = s.lines.length === 0;
  $('#elsewhere').innerHTML = `<h3>${esc(t().elsewhere)}</h3><table class="money">${s.lines.map(row).join('')}</table>`;
}

// What was asked, for the printed summary: the program, the date and every answer given.
function renderPrintHead(p) {
  const { info, schema } = current;
  $('#print-pack').textContent = [label(info.name), label(info.jurisdiction)].filter(Boolean).join(' · ');
  const answer = (f) => {
    const v = p[f.name];
    if (v === undefined) return '';
    const choice = f.type === 'choice' ? f.choices.find((c) => c.id === v) : null;
    return choice ? label(choice.label) : showValue(v);
  };
  const rows = [[t().as_of, $('#as_of').value], ...schema.fields.map((f) => [label(f.label), answer(f)])];
  if (schema.tags.length) rows.push([t().tags, schema.tags.filter((x) => p.tags.includes(x.id)).map((x) => label(x.label)).join('、') || t().none]);
  $('#print-inputs').innerHTML = rows.filter(([, v]) => v !== '').map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
}

function renderDecision(d) {
  const info = current.info;
  const estimated = (field) => est((d.estimated || []).includes(field));
  const reasons = d.reasons.map((r) => `<li>${esc(label(r.message))}${citation(r.cite)}</li>`).join('');
  $('#eligible').innerHTML = `<span class="${d.eligible ? 'ok' : 'no'}">${esc(d.eligible ? t().yes_eligible : t().not_eligible)}</span>${reasons ? `<ul class="reasons">${reasons}</ul>` : ''}`;
  const groups = d.priority_groups.map((g) => {
    const x = info.priority_groups.find((p) => p.id === g);
    return `<span class="chip" data-group="${esc(g)}">${esc(x ? label(x.label) : g)}</span>`;
  });
  $('#priority').innerHTML = (groups.length ? groups.join(' ') : esc(t().none)) + estimated('priority_groups');
  for (const el of document.querySelectorAll('.opt-category')) el.hidden = info.categories.length === 0;
  const cat = info.categories.find((c) => c.id === d.category);
  $('#category').textContent = d.category ? (cat ? label(cat.label) : d.category) : t().none;
  $('#fees').innerHTML = lines(d.fees);
  $('#gross').innerHTML = amount(d.gross_fee) + estimated('gross_fee');
  $('#reductions').innerHTML = lines(d.reductions, '− ');
  $('#reduction-total').innerHTML = amount(d.reduction_total) + estimated('reduction_total');
  $('#net').innerHTML = amount(d.net_fee) + estimated('net_fee');
  $('#net-payer').textContent = info.fee_payer ? t().paid_by(payerName(info.fee_payer)) : '';
  // A decision says who pays each subsidy (its split) but not who receives it: none is shown
  // as the family's money; all are in their own box, as paid for the child.
  $('#for-child').hidden = d.subsidies.length === 0;
  $('#subsidies').innerHTML = d.subsidies.map((l) => {
    const split = d.splits.find((s) => s.rule === l.rule);
    const parts = split ? Object.entries(split.parts).map(([p, a]) => `${esc(payerName(p))} ${amount(a)}`).join(' · ') : '';
    return `<tr data-rule="${esc(l.rule)}"><th scope="row">${esc(label(l.label))}${est(l.assumed)}${parts ? `<div class="parts">${parts}</div>` : ''}</th><td>${amount(l.amount)}</td></tr>`;
  }).join('');
  $('#subsidy-total').innerHTML = amount(d.subsidy_total) + estimated('subsidy_total');
  $('#payers').innerHTML = Object.entries(d.payers)
    .map(([p, a]) => `<tr data-payer="${esc(p)}"><th scope="row">${esc(payerName(p))}</th><td>${amount(a)}${estimated(`payers.${p}`)}</td></tr>`).join('');
  const assumed = d.assumptions || [];
  $('#assumptions').hidden = assumed.length === 0;
  $('#assumptions').innerHTML = assumed.length === 0 ? '' : `<p>${esc(t().assumptions)}</p><ul>${assumed
    .map((a) => `<li data-parameter="${esc(a.parameter)}"><b>${esc(label(a.label))}</b> = <span class="value">${esc(a.value)}</span>: ${esc(label(a.reason))}</li>`).join('')}</ul>`;
  const docs = d.documents || [];
  $('#documents').hidden = docs.length === 0;
  $('#documents').innerHTML = docs.length === 0 ? '' : `<h3>${esc(t().documents)}</h3><ul>${docs
    .map((x) => `<li data-document="${esc(x.document)}">${esc(label(x.name))}${citation(x.cite)}</li>`).join('')}</ul>`;
  renderElsewhere();
  $('#entitlements').innerHTML = d.entitlements
    .map((e) => `<li>${esc(label(e.label))}: ${e.at_least ? esc(t().at_least) + ' ' : ''}${esc(e.count)} ${esc(t().per[e.per] || e.per)}</li>`).join('');
  // Priority groups and categories that do not hold are folded away under "other rules checked".
  const folded = (s) => (s.kind === 'priority' || s.kind === 'category') && s.value === 'false';
  const step = (s) => {
    const inputs = Object.entries(s.inputs).map(([k, v]) => `${esc(k)} = ${esc(v)}`).join(', ');
    return `<li class="step step-${esc(s.kind)}" data-rule="${esc(s.rule)}">
      <div class="head"><span class="kind">${esc(t().kinds[s.kind] || s.kind)}</span> <b>${esc(label(s.label))}</b> → <span class="value">${esc(showValue(s.value))}</span></div>
      ${s.detail ? `<div class="detail">${esc(label(s.detail))}</div>` : ''}${s.assumed ? `<div class="detail">${est(true)} ${s.assumed.map(esc).join(', ')}</div>` : ''}
      ${inputs ? `<div class="inputs">${inputs}</div>` : ''}
      ${citation(s.cite)}
    </li>`;
  };
  // The parent's view: only what changed the answer, in plain words, each clause quoted once;
  // the analyst's full trace is folded below it.
  $('#plain').innerHTML = (d.plain || [])
    .map((s) => `<li data-rule="${esc(s.rule)}">${esc(label(s.text))}${est(s.estimate)}${citation(s.cite)}</li>`).join('');
  const main = d.steps.filter((s) => !folded(s));
  const rest = d.steps.filter(folded);
  $('#why').innerHTML = main.map(step).join('') + (rest.length
    ? `<li class="folded"><details><summary>${esc(t().other_rules(rest.length))}</summary><ol>${rest.map(step).join('')}</ol></details></li>`
    : '');
}

// "What would change": with the form complete, the cited changes that lower the fee (or make the
// child eligible); half-filled, the range of results still possible and which blanks matter.
function labelOf(name) {
  const f = current.schema.fields.find((x) => x.name === name) || current.schema.tags.find((x) => x.id === name);
  return f ? label(f.label) : name;
}

function renderCheaper(d, p, asOf) {
  if (!whole) {
    $('#cheaper').hidden = true;
    return;
  }
  const goal = d.eligible ? 'pay_less' : 'eligible';
  let w;
  try {
    w = current.policy.whatWouldChange(p, asOf, goal);
  } catch (e) {
    if (!(e instanceof HuiminError)) throw e;
    $('#cheaper').hidden = true;
    return;
  }
  const item = (s) => {
    const fact = s.acts === 'fact' ? ` <span class="fact">（${esc(t().fact)}）</span>` : '';
    return `<li class="act-${esc(s.acts)}" data-inputs="${esc(s.changes.map((c) => c.input).join(','))}" data-net="${esc(s.then.net_fee)}">${esc(label(s.says))}${fact}${citation(s.cite)}</li>`;
  };
  $('#cheaper').hidden = false;
  $('#cheaper').innerHTML = `<h3>${esc(goal === 'pay_less' ? t().cheaper_title : t().join_title)}</h3>${w.suggestions.length
    ? `<ul>${w.suggestions.map(item).join('')}</ul>`
    : `<p>${esc(label(w.says))}</p>`}`;
}

// The half-filled form's answer, shown; null when the engine cannot give one.
function renderPartial(p, asOf) {
  if (!whole) {
    $('#partial').hidden = true;
    return null;
  }
  let part;
  try {
    part = current.policy.evaluatePartial(p, asOf);
  } catch (e) {
    if (!(e instanceof HuiminError)) throw e;
    $('#partial').hidden = true;
    return null;
  }
  const eligible = part.eligible === 'yes' ? t().yes_eligible : part.eligible === 'no' ? t().not_eligible : t().depends(part.depends_on.map(labelOf));
  const chips = (names) => names.map((n) => `<span class="chip" data-input="${esc(n)}">${esc(labelOf(n))}</span>`).join(' ');
  $('#partial').hidden = false;
  $('#partial').innerHTML = `<h3>${esc(t().partial_title)}</h3>
    <dl class="summary">
      <dt>${esc(t().eligible)}</dt><dd id="p-eligible" data-value="${esc(part.eligible)}">${esc(eligible)}</dd>
      <dt>${esc(t().net)}</dt><dd id="p-net" data-min="${esc(part.net_fee.min)}" data-max="${esc(part.net_fee.max)}">${esc(t().between(part.net_fee.min, part.net_fee.max))}</dd>
      <dt>${esc(t().subsidy_total)}</dt><dd id="p-subsidy" data-min="${esc(part.subsidy_total.min)}" data-max="${esc(part.subsidy_total.max)}">${esc(t().between(part.subsidy_total.min, part.subsidy_total.max))}</dd>
    </dl>
    ${part.still_matter.length ? `<p id="p-still">${esc(t().still)}${chips(part.still_matter)}</p>` : ''}
    ${part.settled.length ? `<p id="p-settled">${esc(t().settled)}${chips(part.settled)}</p>` : ''}`;
  return part;
}

// Marks each field with its messages from validate. A message is written only when it changes
// (the form-level one is an alert: rewriting it would announce it again at every keystroke).
function showMessages(errors) {
  const fieldNames = new Set(current.schema.fields.map((f) => f.name));
  const texts = new Map();
  const missing = [];
  for (const e of errors) {
    let target = 'form';
    if (fieldNames.has(e.path)) target = e.path;
    else if (e.path.startsWith('tags')) target = 'tags';
    else if (e.path === 'as_of') target = 'as_of';
    if (e.code === 'missing' && !touched.has(e.path)) {
      missing.push(labelOf(e.path));
      continue;
    }
    texts.set(target, [...(texts.get(target) || []), label(e.message)]);
  }
  for (const msg of document.querySelectorAll('.msg')) {
    const text = (texts.get(msg.id.slice(2)) || []).join('；');
    if (msg.textContent !== text) msg.textContent = text;
  }
  for (const el of document.querySelectorAll('#form [aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const target of texts.keys()) {
    const input = target === 'form' ? null : target === 'tags' ? $('#tags-box') : $(`#f-${CSS.escape(target)}`) || $(`#${CSS.escape(target)}`);
    if (input) input.setAttribute('aria-invalid', 'true');
  }
  return { missing, shown: texts.size };
}

function update() {
  if (!current) return;
  const p = participant();
  lastParticipant = p;
  const asOf = $('#as_of').value;
  const t0 = performance.now();
  const errors = current.policy.validate(p);
  let decision = null;
  let failure = null;
  if (errors.length === 0) {
    try {
      decision = current.policy.evaluate(p, asOf);
    } catch (e) {
      if (!(e instanceof HuiminError)) throw e;
      failure = e;
    }
  }
  const ms = performance.now() - t0;
  const all = failure && failure.kind === 'input' ? failure.errors : errors;
  const { missing, shown } = showMessages(all);
  $('#outcome').hidden = decision === null;
  // Half-filled: only required inputs missing, nothing invalid.
  const halfFilled = !decision && !failure && errors.length > 0 && errors.every((e) => e.code === 'missing');
  const part = halfFilled ? renderPartial(p, asOf) : null;
  if (!halfFilled) $('#partial').hidden = true;
  const asks = [shown ? t().fix : '', missing.length ? t().fill_in(missing) : ''].filter(Boolean).join(' ');
  if (decision) {
    renderDecision(decision);
    renderCheaper(decision, p, asOf);
    renderPrintHead(p);
    $('#status').textContent = '';
    $('#timing').textContent = t().timing(ms.toFixed(2));
    say(decision.eligible
      ? t().bar.join([t().bar.pays(decision.net_fee, perPeriod(), (decision.estimated || []).includes('net_fee')), t().bar.eligible])
      : t().not_eligible);
  } else if (failure && failure.kind !== 'input') {
    // An evaluation error says what went wrong in plain words in both languages; the English
    // analyst's message (with the pack id) only when there are none.
    const plain = failure.kind === 'eval' && failure.detail.message;
    $('#status').textContent = t().cannot + (plain ? label(plain) : failure.message);
    say($('#status').textContent);
  } else {
    $('#status').textContent = asks;
    const range = part && part.eligible !== 'no' ? t().bar.range(part.net_fee.min, part.net_fee.max, perPeriod()) : '';
    say(part && part.eligible === 'no' ? t().not_eligible : t().bar.join([range, asks].filter(Boolean)));
  }
}

// The latest selection: one that a later one overtook while its pack was being fetched is
// dropped, so the form is always the last city chosen.
let selecting = 0;
async function selectPack(id) {
  const ticket = ++selecting;
  const keep = current ? currentValues() : { values: {}, tags: [] };
  const focused = document.activeElement && document.activeElement.closest('#fields') ? document.activeElement.name : null;
  let next = packs.find((p) => p.id === id) || packs[0];
  while (next && !((await fetchPack(next)) && compile(next))) next = packs[0];
  if (ticket !== selecting) return;
  current = next || null;
  fillPackSelect();
  if (!current) {
    $('#status').textContent = t().no_packs;
    return;
  }
  if (!asOfTouched) $('#as_of').value = defaultAsOf(current.info);
  buildForm(keep);
  update();
  // Focus stays on the same question when the new form asks it too.
  if (focused) $(`#fields [name="${CSS.escape(focused)}"]`)?.focus();
}

// ---------------------------------------------------------------- offline
// A service worker keeps a copy of every file this page loaded, so that the page works offline
// from its next visit (only where service workers exist: http(s), not file:).
async function keepOffline() {
  await navigator.serviceWorker.register('sw.js');
  const { active } = await navigator.serviceWorker.ready;
  // The packs not fetched yet too: the worker fetches what it does not have.
  const files = [location.origin + location.pathname, ...performance.getEntriesByType('resource').map((e) => e.name),
    ...PACKS.map((p) => new URL(`packs/${p.file}`, location.href).href), ...WHOLE.map((f) => new URL(f, location.href).href)]
    .filter((url, i, all) => new URL(url).origin === location.origin && all.indexOf(url) === i);
  const channel = new MessageChannel();
  const kept = new Promise((resolve) => { channel.port1.onmessage = (e) => resolve(e.data); });
  active.postMessage({ keep: files }, [channel.port2]);
  if ((await kept) === 'kept') $('#offline').hidden = false;
}

// The whole engine, after the form is usable: every pack compiled so far is compiled again in
// it, and the form shows what the form's module could not (what would change, the
// half-filled form's ranges, the other programs). Without it the form still works.
// Its module is fetched while its JS is imported, not after.
const WHOLE_WASM = 'huimin/huimin_wasm_bg.wasm';
const WHOLE = ['huimin/init.js', 'huimin/huimin_wasm.js', WHOLE_WASM];
async function loadWhole() {
  let full;
  try {
    const wasm = fetch(WHOLE_WASM);
    wasm.catch(() => {}); // a failed download is init's to report, not an unhandled rejection
    full = await import('./huimin/init.js');
    await full.init({ wasm });
  } catch (e) {
    console.warn('huimin demo: the whole engine did not load; the form works without what it adds:', e);
    return;
  }
  Policy = full.Policy;
  for (const pack of [...packs]) {
    const old = pack.policy;
    if (!old) continue;
    pack.policy = undefined;
    compile(pack);
    old.free();
  }
  whole = true;
  document.body.dataset.engine = 'whole';
  if (current && !packs.includes(current)) await selectPack(packs[0] ? packs[0].id : null);
  else update();
}

// ---------------------------------------------------------------- wiring
relabel();
$('#version').textContent = `v${version()}`;
$('#bar').hidden = false;
await selectPack(packs[0] ? packs[0].id : null);
$('#pack').addEventListener('change', (e) => selectPack(e.target.value));
const onEdit = (e) => {
  if (rebuilding || e.target.id === 'pack') return;
  if (e.target.id === 'as_of') asOfTouched = true;
  else if (e.target.name && e.target.name !== 'tag') touched.add(e.target.name);
  update();
};
$('#form').addEventListener('input', onEdit);
$('#form').addEventListener('change', onEdit);
$('#form').addEventListener('submit', (e) => e.preventDefault());
$('#lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  relabel();
  fillPackSelect();
  if (current) {
    buildForm(currentValues());
    update();
  }
});
$('#print').addEventListener('click', () => window.print());

// For tests and the curious: time evaluations of the current form in this page.
window.huiminDemo = {
  ready: true,
  get packs() { return packs.map((p) => p.id); },
  get compiled() { return packs.filter((p) => p.policy).map((p) => p.id); },
  get failed() { return failed.map((f) => ({ file: f.file, error: f.error })); },
  participant: () => lastParticipant,
  /** Mean milliseconds per what-if of the current form over `n` runs. */
  benchWhatIf(n = 100) {
    const p = participant();
    const asOf = $('#as_of').value;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) current.policy.whatWouldChange(p, asOf, 'pay_less');
    return (performance.now() - t0) / n;
  },
  /** Mean milliseconds per evaluation of the current form over `n` runs. */
  bench(n = 1000, explain = true) {
    const p = participant();
    const asOf = $('#as_of').value;
    current.policy.evaluate(p, asOf, { explain });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) current.policy.evaluate(p, asOf, { explain });
    return (performance.now() - t0) / n;
  },
};
document.body.dataset.ready = '1';
loadWhole();
whenIdle(compileRest);
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  keepOffline().catch((e) => console.warn('huimin demo: no offline copy:', e));
}
