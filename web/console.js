// The policy console: a prompt engineer edits a policy's YAML (schema errors shown at their line), runs its
// examples, checks the draft against the legitimate cases, dry-runs a message, reviews the diff, publishes and
// rolls back. Everything goes through /admin/guardrails with the staff token (kept for this tab only).
import { language } from './i18n.js';
import { el } from './dom.js';
import { signIn, signedIn, staffCall } from './staff.js';

const TEXT = {
  en: { page: 'Policy console', title: 'Policies', token: 'Staff token (prompt engineer)', signIn: 'Sign in', pick: 'Pick a policy.',
    by: (v, a, at) => `v${v} · ${a} · ${at}`, examples: 'Run examples', conflicts: 'Check conflicts', review: 'Review changes',
    publish: 'Publish', comment: 'Comment (kept in the history)', line: (n) => `line ${n}`, file: 'file',
    passed: (p, f) => `${p} passed, ${f} failed`, expected: (e, g) => `expected ${e}, got ${g}`,
    noConflict: (n) => `No conflicts: ${n} legitimate examples and conversation turns still get through.`,
    conflict: (k, n) => `Warning: this draft stops ${k} of ${n} legitimate examples and conversation turns.`,
    same: 'The draft is the same as the published version.', invalid: 'Fix the errors first.',
    published: (v) => `Published as v${v}; the workers apply it within seconds.`, restore: (v) => `Roll back to v${v}`,
    restored: (v) => `Rolled back: now v${v}.`, dryRun: 'Dry run', dryText: 'A shopper message or a reply…',
    input: 'shopper message (input)', output: 'reply (output)', llm_output: 'LLM reply (llm_output)',
    allow: 'allowed', history: 'History', valid: 'Valid' },
  zh: { page: '策略控制台', title: '策略', token: '员工令牌（prompt engineer）', signIn: '登录', pick: '请选择一个策略。',
    by: (v, a, at) => `v${v} · ${a} · ${at}`, examples: '运行示例', conflicts: '冲突检查', review: '查看改动',
    publish: '发布', comment: '备注（记入历史）', line: (n) => `第 ${n} 行`, file: '文件',
    passed: (p, f) => `${p} 个通过，${f} 个失败`, expected: (e, g) => `应为 ${e}，实际 ${g}`,
    noConflict: (n) => `无冲突：${n} 条正常示例和对话轮次仍可通过。`,
    conflict: (k, n) => `警告：此草稿会拦下 ${n} 条正常示例和对话轮次中的 ${k} 条。`,
    same: '草稿与已发布版本相同。', invalid: '请先修正错误。',
    published: (v) => `已发布为 v${v}，几秒内生效。`, restore: (v) => `回滚到 v${v}`,
    restored: (v) => `已回滚：当前为 v${v}。`, dryRun: '试运行', dryText: '输入顾客消息或回复…',
    input: '顾客消息（input）', output: '回复（output）', llm_output: '大模型回复（llm_output）',
    allow: '放行', history: '历史', valid: '校验通过' },
};
const t = (key, ...args) => { const v = TEXT[language][key]; return typeof v === 'function' ? v(...args) : v; };
const when = (at) => new Date(at).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-US');
const root = document.getElementById('console');
document.documentElement.lang = language;
document.title = t('page');
let me = null;
let current = null;   // the published version of the open policy
let errors = [];      // the draft's schema errors, shown at their lines
let checking = null;

const call = (path, method = 'GET', body) => staffCall('/admin/guardrails' + path, { method,
  headers: body ? { 'Content-Type': 'application/json' } : {}, body: body && JSON.stringify(body) });
const $ = (id) => document.getElementById(id);
const draft = () => $('pc-yaml').value;
const out = (...nodes) => $('pc-out').replaceChildren(...nodes);
const fail = (err) => out(el('div', { class: 'pc-error', role: 'alert' }, err.message));

const askToken = (message) => signIn(root, { title: t('title'), label: t('token'), button: t('signIn') }, start, message);

async function start() {
  try { me = await call('/me'); } catch (err) { return askToken(err.message); }
  root.replaceChildren(el('aside', { class: 'pc-list' }, el('h2', {}, t('title')), el('div', { id: 'pc-policies' }),
    el('small', { class: 'pc-me' }, `${me.name} (${me.role})`)),
  el('section', { class: 'pc-main', id: 'pc-main' }, el('div', { class: 'pc-empty' }, t('pick'))));
  await listPolicies();
}

async function listPolicies() {
  const policies = await call('/policies');
  $('pc-policies').replaceChildren(...policies.map((p) => el('div', {
    class: `pc-item${p.policy_id === current?.policy_id ? ' pc-active' : ''}`, 'data-policy': p.policy_id,
    onclick: () => openPolicy(p.policy_id) }, el('strong', {}, p.policy_id), el('small', {}, `${p.kind} · v${p.version}`),
  el('small', {}, p.title))));
}

async function openPolicy(policyId) {
  current = await call(`/policies/${policyId}`);
  const yaml = el('textarea', { id: 'pc-yaml', class: 'pc-yaml', wrap: 'off', spellcheck: 'false', 'aria-label': policyId });
  yaml.value = current.yaml;
  yaml.addEventListener('input', () => { clearTimeout(checking); checking = setTimeout(validate, 300); });
  yaml.addEventListener('scroll', () => {
    $('pc-backdrop').scrollTop = $('pc-gutter').scrollTop = yaml.scrollTop;
    $('pc-backdrop').scrollLeft = yaml.scrollLeft;
  });
  const act = (label, action, run) => el('button', { type: 'button', 'data-action': action, onclick: run }, label);
  $('pc-main').replaceChildren(
    el('h2', {}, `${policyId} `, el('small', {}, t('by', current.version, current.author, when(current.at)))),
    el('div', { class: 'pc-editor' }, el('div', { class: 'pc-gutter', id: 'pc-gutter' }),
      el('div', { class: 'pc-wrap' }, el('div', { class: 'pc-backdrop', id: 'pc-backdrop', 'aria-hidden': 'true' }), yaml)),
    el('div', { class: 'pc-errors', id: 'pc-errors', role: 'status' }),
    el('div', { class: 'pc-actions' }, act(t('examples'), 'examples', runExamples),
      act(t('conflicts'), 'conflicts', checkConflicts), act(t('review'), 'review', review)),
    el('div', { class: 'pc-out', id: 'pc-out' }), dryRunForm(),
    el('h3', {}, t('history')), el('div', { class: 'pc-history', id: 'pc-history' }));
  errors = [];
  mark();
  await Promise.all([listPolicies(), history()]);
}

async function validate() {
  try {
    ({ errors } = await call(`/policies/${current.policy_id}/validate`, 'POST', { yaml: draft() }));
  } catch (err) { return fail(err); }
  mark();
}

// the draft's lines drawn behind the (transparent) textarea: a line with an error is tinted and its message
// written after its text, where the prompt engineer is looking
function mark() {
  const lines = draft().split('\n');
  const at = new Map();
  for (const e of errors) if (e.line) at.set(e.line, [...(at.get(e.line) || []), e.message]);
  $('pc-gutter').replaceChildren(...lines.map((_, i) => el('div', { class: at.has(i + 1) ? 'pc-bad' : '' }, String(i + 1))));
  $('pc-backdrop').replaceChildren(...lines.map((text, i) => el('div', { class: at.has(i + 1) ? 'pc-line pc-bad' : 'pc-line' },
    el('span', { class: 'pc-ghost' }, text), at.has(i + 1) ? el('span', { class: 'pc-msg' }, `  ◀ ${at.get(i + 1).join('; ')}`) : null)));
  $('pc-errors').replaceChildren(...(errors.length ? errors.map((e) => el('div', { class: 'pc-error', onclick: () => goTo(e.line) },
    `${e.line ? t('line', e.line) : t('file')}${e.path ? ' · ' + e.path : ''}: ${e.message}`)) : [el('span', { class: 'pc-ok' }, t('valid'))]));
}

function goTo(line) {
  const yaml = $('pc-yaml');
  const lines = yaml.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  yaml.focus();
  yaml.setSelectionRange(start, start + (lines[line - 1] || '').length);
}

// a draft the server refuses (422) carries its errors with their lines: shown in the editor as well
async function withDraft(path) {
  try { return await call(`/policies/${current.policy_id}/${path}`, 'POST', { yaml: draft() }); } catch (err) {
    if (err.status === 422) { await validate(); out(el('div', { class: 'pc-error', role: 'alert' }, t('invalid'))); } else fail(err);
    return null;
  }
}

async function runExamples() {
  const run = await withDraft('examples');
  if (!run) return;
  out(el('div', { class: run.failed ? 'pc-warn' : 'pc-ok' }, t('passed', run.passed, run.failed)),
    ...run.results.map((r) => el('div', { class: `pc-example ${r.ok ? 'pc-pass' : 'pc-fail'}` },
      `#${r.number} ${r.direction}: ${r.ok ? r.got : t('expected', r.expected, r.got)}${r.rule ? ' · ' + r.rule : ''}${r.detail ? ' · ' + r.detail : ''}`)));
}

function conflictNodes(check) {
  if (!check.conflicts.length) return [el('div', { class: 'pc-ok' }, t('noConflict', check.checked))];
  return [el('div', { class: 'pc-warn', role: 'alert' }, t('conflict', check.conflicts.length, check.checked)),
    ...check.conflicts.slice(0, 50).map((c) => el('div', { class: 'pc-conflict' },
      el('code', {}, c.case), ` ${c.text} → ${c.action} · ${c.rule}`))];
}

async function checkConflicts() {
  const check = await withDraft('conflicts');
  if (check) out(...conflictNodes(check));
}

async function review() {
  const [diff, check] = [await withDraft('diff'), await withDraft('conflicts')];
  if (!diff || !check) return;
  if (!diff.diff) return out(el('div', { class: 'pc-ok' }, t('same')));
  const comment = el('input', { class: 'pc-comment', maxlength: 500, placeholder: t('comment'), 'aria-label': t('comment') });
  const kind = (l) => (/^(\+\+\+|---|@@)/.test(l) ? 'pc-head' : { '+': 'pc-add', '-': 'pc-del' }[l[0]] || '');
  out(el('pre', { class: 'pc-diff' }, ...diff.diff.split('\n').map((l) => el('div', { class: kind(l) }, l))),
  ...conflictNodes(check), el('div', { class: 'pc-actions' }, comment,
    el('button', { type: 'button', 'data-action': 'publish', onclick: () => publish(comment.value) }, t('publish'))));
}

async function publish(comment) {
  const yaml = draft();
  try {
    const done = await call(`/policies/${current.policy_id}`, 'PUT', { yaml, author: me.name, comment });
    await openPolicy(current.policy_id);
    out(el('div', { class: 'pc-ok', role: 'status' }, t('published', done.version)));
  } catch (err) { fail(err); }
}

async function history() {
  const entries = await call(`/audit?policy_id=${current.policy_id}&limit=50`);
  $('pc-history').replaceChildren(...entries.map((e) => el('div', { class: 'pc-entry', 'data-version': e.version },
    el('strong', {}, `v${e.version} ${e.action}`), ` · ${e.actor || e.author} · ${when(e.at)}${e.comment ? ' · ' + e.comment : ''} `,
    e.version === current.version ? null : el('button', { type: 'button', class: 'pc-plain', 'data-rollback': e.version,
      onclick: () => rollback(e.version) }, t('restore', e.version)))));
}

async function rollback(version) {
  try {
    const done = await call(`/policies/${current.policy_id}/rollback`, 'POST', { version, author: me.name });
    await openPolicy(current.policy_id);
    out(el('div', { class: 'pc-ok', role: 'status' }, t('restored', done.version)));
  } catch (err) { fail(err); }
}

function dryRunForm() {
  const text = el('textarea', { rows: 2, maxlength: 4000, placeholder: t('dryText'), 'aria-label': t('dryText'), id: 'pc-dry-text' });
  const direction = el('select', { 'aria-label': 'direction' }, ...['input', 'output', 'llm_output'].map((d) => el('option', { value: d }, t(d))));
  const lang = el('select', { 'aria-label': 'language' }, ...['zh', 'en'].map((l) => el('option', { value: l }, l)));
  lang.value = language;
  const result = el('div', { class: 'pc-dry-result', id: 'pc-dry-result' });
  const form = el('form', { class: 'pc-dry' }, el('h3', {}, t('dryRun')), text, el('div', { class: 'pc-actions' }, direction, lang,
    el('button', { 'data-action': 'dry-run' }, t('dryRun'))), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    try {  // with the draft in place, so an edit can be tried before it is published
      const v = await call('/dry-run', 'POST', { text: text.value, direction: direction.value, language: lang.value,
        policy_id: current.policy_id, yaml: draft() });
      result.replaceChildren(el('strong', {}, v.action === 'allow' ? t('allow') : v.action),
        v.rule ? ` · ${v.policy_id}/${v.rule}` : '', (v.reply || v.text) && v.action !== 'allow' ? el('div', {}, v.reply || v.text) : null);
    } catch (err) { result.replaceChildren(el('span', { class: 'pc-error' }, err.message)); }
  });
  return form;
}

if (signedIn()) start(); else askToken();
