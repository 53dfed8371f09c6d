// The human desk: the queue of handed-over conversations; claim one, answer the shopper in their live session,
// hand it back to the bot or close it. Every call carries the operator's staff token (web/staff.js).
import { language, translator } from './i18n.js';
import { el } from './dom.js';
import { signIn, signedIn, staffCall } from './staff.js';

const TEXT = {
  en: { page: 'Service desk', title: 'Handed-over conversations', token: 'Staff token (operator)', signIn: 'Sign in',
    empty: 'No one is waiting.', claim: 'Claim', release: 'Hand back to bot', close: 'Close', send: 'Send', reply: 'Write to the shopper…',
    waiting: 'waiting', claimedBy: (a) => `held by ${a}`, frustration: 'frustration', task: 'task', reason: 'why',
    shopper: 'Shopper', bot: 'Bot', joined: (a) => `${a} joined`, left: (a) => `${a} left`, pick: 'Pick a conversation.',
    rewritten: 'Sent with personal data masked by the output check.' },
  zh: { page: '人工客服台', title: '转人工会话', token: '员工令牌（operator）', signIn: '登录', empty: '暂无等待中的会话。',
    claim: '接入', release: '交还机器人', close: '结束会话', send: '发送', reply: '回复顾客…',
    waiting: '等待中', claimedBy: (a) => `${a} 处理中`, frustration: '不满程度', task: '任务', reason: '原因',
    shopper: '顾客', bot: '机器人', joined: (a) => `${a} 已接入`, left: (a) => `${a} 已离开`, pick: '请选择一个会话。',
    rewritten: '已发送，个人信息已被输出检查遮盖。', asked: '顾客要求转人工', policy: (p) => `策略 ${p}` },
};
const t = translator(TEXT);
// why the case was handed over, as agent/nodes.py words it: "asked for a person", "frustration 0.87", "policy <id>/<rule>"
const why = (reason) => (language === 'en' ? reason : reason === 'asked for a person' ? t('asked')
  : reason.replace(/^frustration /, `${t('frustration')} `).replace(/^policy (.+)$/, (_, p) => t('policy', p)));
const root = document.getElementById('desk');
document.documentElement.lang = language;
document.title = t('page');
let cases = [];
let current = null;   // the session id open on the right
let lastSeq = 0;
let polling = null;

const call = (path, init) => staffCall('/admin/desk' + path, init);
const askToken = (message) => signIn(root, { title: t('title'), label: t('token'), button: t('signIn') }, start, message);

function layout() {
  root.replaceChildren(
    el('section', { class: 'dk-queue' }, el('h2', {}, t('title')), el('div', { id: 'dk-list' })),
    el('section', { class: 'dk-case', id: 'dk-case' }, el('div', { class: 'dk-empty' }, t('pick'))));
}

async function start() {
  try {
    cases = await call('/cases');
  } catch (err) {
    return askToken(err.message);
  }
  layout();
  renderQueue();
  clearInterval(polling);
  polling = setInterval(refresh, 1000);
}

async function refresh() {
  try {
    cases = await call('/cases');
    renderQueue();
    if (current) await loadEvents();
  } catch (err) {
    showError(err.message);
  }
}

function renderQueue() {
  const list = document.getElementById('dk-list');
  if (!list) return;
  list.replaceChildren(...(cases.length ? cases.map((c) => el('div', {
    class: `dk-item${c.session_id === current ? ' dk-active' : ''}`, 'data-session': c.session_id,
    onclick: () => openCase(c.session_id),
  }, el('strong', {}, c.last_message || c.session_id),
  el('small', { class: c.frustration >= 0.6 ? 'dk-hot' : '' }, `${t('frustration')} ${(c.frustration ?? 0).toFixed(2)}`),
  el('small', {}, c.status === 'claimed' ? t('claimedBy', c.agent) : t('waiting')))) : [el('div', { class: 'dk-empty' }, t('empty'))]));
  if (current) renderSummary();
}

function openCase(sessionId) {
  current = sessionId;
  lastSeq = 0;
  const box = el('div', { class: 'dk-log', id: 'dk-log' });
  const input = el('textarea', { rows: 2, placeholder: t('reply'), maxlength: 2000, 'aria-label': t('reply') });
  const form = el('form', { class: 'dk-compose' }, input, el('button', {}, t('send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    try {
      const sent = await call(`/cases/${current}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: input.value }) });
      input.value = '';
      if (sent.rewritten) note(t('rewritten'));
      await loadEvents();
    } catch (err) { showError(err.message); }
  });
  document.getElementById('dk-case').replaceChildren(el('div', { class: 'dk-summary', id: 'dk-summary' }), box,
    el('div', { class: 'dk-error', id: 'dk-error', role: 'alert' }), form);
  renderQueue();
  loadEvents();
}

function renderSummary() {
  const c = cases.find((x) => x.session_id === current);
  const summary = document.getElementById('dk-summary');
  if (!summary) return;
  if (!c) { summary.replaceChildren(el('div', { class: 'dk-meta' }, '—')); return; }
  const mine = c.status === 'claimed';
  const act = (label, path, plain) => el('button', { class: plain ? 'dk-plain' : '', type: 'button', 'data-action': path,
    onclick: () => call(`/cases/${current}/${path}`, { method: 'POST' }).then(refresh, (err) => showError(err.message)) }, label);
  const task = c.task ? `${c.task.intent}${c.task.order_id ? ' ' + c.task.order_id : ''}` : '—';
  summary.replaceChildren(
    el('div', { class: 'dk-meta' }, `${t('reason')}: ${why(c.reason)} · ${t('task')}: ${task} · ${t('frustration')}: ${(c.frustration ?? 0).toFixed(2)}`),
    el('div', { class: 'dk-meta' }, mine ? t('claimedBy', c.agent) : t('waiting')),
    el('div', { class: 'dk-actions' }, mine ? null : act(t('claim'), 'claim'),
      mine ? act(t('release'), 'release', true) : null, mine ? act(t('close'), 'close', true) : null));
}

async function loadEvents() {
  const sessionId = current;
  let events;
  try {
    ({ events } = await call(`/cases/${sessionId}/events?after=${lastSeq}`));
  } catch (err) {
    if (err.status === 404) return;  // handed back or closed: the log stays as it was
    throw err;
  }
  if (sessionId !== current) return;
  for (const e of events) {
    if (e.seq <= lastSeq) continue;
    lastSeq = e.seq;
    if (e.type === 'shopper_message') line('dk-shopper', `${t('shopper')}: ${e.text || (e.audio ? '[voice]' : '[photo]')}`);
    else if (e.type === 'reply' && e.reply?.text) line('dk-bot', `${t('bot')}: ${e.reply.text}`);
    else if (e.type === 'reply' && e.transcript) line('dk-shopper', `[voice] ${e.transcript}`);
    else if (e.type === 'agent_message') line('dk-agent', `${e.agent}: ${e.text}`);
    else if (e.type === 'human_joined') note(t('joined', e.agent));
    else if (e.type === 'human_left') note(t('left', e.agent));
  }
}

function line(kind, text) {
  const log = document.getElementById('dk-log');
  log.append(el('div', { class: `dk-msg ${kind}` }, text));
  log.scrollTop = log.scrollHeight;
}
function note(text) { document.getElementById('dk-log')?.append(el('div', { class: 'dk-note' }, text)); }
function showError(text) { const box = document.getElementById('dk-error'); if (box) box.textContent = text; }

if (signedIn()) start(); else askToken();
