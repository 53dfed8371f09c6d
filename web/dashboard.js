// The operations dashboard: the figures of the gateway process that answers (GET /admin/metrics/summary, an
// operator's staff token), polled every 2 s. The tiles and the table are totals since that process started;
// the charts keep the last minutes of polls in the page, so they start empty when the page opens.
import uPlot from './node_modules/uplot/dist/uPlot.esm.js';
import { language, translator } from './i18n.js';
import { el } from './dom.js';
import { signIn, signedIn, staffCall } from './staff.js';

const TEXT = {
  en: { title: 'Operations dashboard', token: 'Staff token (operator)', signIn: 'Sign in',
    note: "This gateway process's own figures since it started (each process counts its own; Prometheus sums them all).",
    turns: 'Turns', automation: 'Automation rate', latency: 'Reply latency p50 / p99', cache: 'Answer cache hit rate',
    lookups: (n) => `${n} lookups`, handoffs: 'Hand-offs', desk: 'Desk queue', deskWait: (a, b) => `wait p50 ${a} / p99 ${b}`,
    claimed: (n) => `${n} held by a person`, llm: 'LLM calls', llmErrors: (n) => `${n} failed`,
    firstToken: (a, b) => `first token p50 ${a} / p99 ${b}`, errors: 'Errors', offers: 'Offers accepted / made',
    conversion: (p) => `conversion ${p}`, lag: 'Intake lag (turns queued)', queueWait: (a, b) => `queue wait p50 ${a} / p99 ${b}`,
    byRoute: 'Latency by route (ack to reply stored)', route: 'route', count: 'turns', rate: 'Turns per second',
    all: 'all turns', handed: 'handed over', overTime: 'Reply latency since start (ms)', stale: 'Not updated: ' },
  zh: { title: '运营看板', token: '员工令牌（operator）', signIn: '登录',
    note: '本网关进程自启动以来的数据（每个进程各自计数，Prometheus 汇总全部进程）。',
    turns: '对话轮次', automation: '自动化率', latency: '回复延迟 p50 / p99', cache: '答案缓存命中率',
    lookups: (n) => `查询 ${n} 次`, handoffs: '转人工', desk: '人工队列', deskWait: (a, b) => `等待 p50 ${a} / p99 ${b}`,
    claimed: (n) => `${n} 个处理中`, llm: '大模型调用', llmErrors: (n) => `失败 ${n} 次`,
    firstToken: (a, b) => `首字 p50 ${a} / p99 ${b}`, errors: '错误', offers: '优惠接受 / 推荐',
    conversion: (p) => `转化率 ${p}`, lag: '待处理积压（轮次）', queueWait: (a, b) => `排队 p50 ${a} / p99 ${b}`,
    byRoute: '各路由延迟（受理到回复存储）', route: '路由', count: '轮次', rate: '每秒轮次',
    all: '全部', handed: '转人工', overTime: '启动以来的回复延迟（毫秒）', stale: '未能更新：' },
};
const t = translator(TEXT);
const EVERY_MS = 2000;
const KEEP = 150;  // polls the charts keep: five minutes
const root = document.getElementById('dashboard');
document.documentElement.lang = language;
document.title = t('title');
let polling = null;
let previous = null;  // the last figures, to turn counters into rates
const series = { at: [], rate: [], handoffRate: [], p50: [], p99: [] };
let charts = [];

const call = () => staffCall('/admin/metrics/summary');
const askToken = (message) => signIn(root, { title: t('title'), label: t('token'), button: t('signIn') }, start, message);

const duration = (s) => (s == null ? '—' : s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms` : `${s.toFixed(1)} s`);
const percent = (r) => (r == null ? '—' : `${(r * 100).toFixed(1)}%`);
const ms = (s) => (s == null ? null : s * 1000);

function tile(name, label, value, note) {
  return el('div', { class: 'db-tile', 'data-figure': name }, el('span', {}, label), el('strong', {}, String(value)),
    note ? el('small', {}, note) : null);
}

function tiles(f) {
  const codes = Object.entries(f.errors_by_code).sort((a, b) => b[1] - a[1]).slice(0, 3);
  return [
    tile('turns', t('turns'), f.turns),
    tile('automation', t('automation'), percent(f.automation_rate)),
    tile('latency', t('latency'), `${duration(f.latency.p50)} / ${duration(f.latency.p99)}`),
    tile('cache', t('cache'), percent(f.cache_hit_rate), t('lookups', f.cache_lookups)),
    tile('handoffs', t('handoffs'), f.handoffs),
    tile('desk', t('desk'), f.desk_waiting,
      `${t('claimed', f.desk_claimed)} · ${t('deskWait', duration(f.desk_wait.p50), duration(f.desk_wait.p99))}`),
    tile('llm', t('llm'), f.llm_calls,
      `${t('llmErrors', f.llm_errors)} · ${t('firstToken', duration(f.llm_first_token.p50), duration(f.llm_first_token.p99))}`),
    tile('errors', t('errors'), f.errors, codes.map(([code, n]) => `${code} ${n}`).join(' · ')),
    tile('offers', t('offers'), `${f.offers_accepted} / ${f.offers_made}`, t('conversion', percent(f.offer_conversion))),
    tile('lag', t('lag'), f.intake_lag, t('queueWait', duration(f.intake_wait.p50), duration(f.intake_wait.p99))),
  ];
}

function routes(f) {
  const head = el('tr', {}, ...[t('route'), t('count'), 'p50', 'p99'].map((h) => el('th', {}, h)));
  return el('table', { class: 'db-routes' }, el('thead', {}, head), el('tbody', {}, ...f.latency_by_route.map((r) =>
    el('tr', { 'data-route': r.route }, el('td', {}, r.route), el('td', {}, String(r.count)),
      el('td', {}, duration(r.p50)), el('td', {}, duration(r.p99))))));
}

function chart(box, labels, colors) {
  return new uPlot({
    width: box.clientWidth, height: 220, scales: { x: { time: true } }, legend: { live: false },
    series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i], width: 2, spanGaps: true }))],
  }, [[], ...labels.map(() => [])], box);
}

function layout() {
  const rateBox = el('div', { class: 'db-chart', 'data-chart': 'rate' });
  const latencyBox = el('div', { class: 'db-chart', 'data-chart': 'latency' });
  root.replaceChildren(
    el('header', { class: 'db-head' }, el('h1', {}, t('title')), el('span', { class: 'db-note' }, t('note'))),
    el('div', { class: 'staff-error', id: 'db-error', role: 'alert' }),
    el('section', { class: 'db-tiles', id: 'db-tiles' }),
    el('section', { class: 'db-charts' },
      el('div', { class: 'db-panel' }, el('h2', {}, t('rate')), rateBox),
      el('div', { class: 'db-panel' }, el('h2', {}, t('overTime')), latencyBox),
      el('div', { class: 'db-panel' }, el('h2', {}, t('byRoute')), el('div', { id: 'db-routes' }))));
  charts = [chart(rateBox, [t('all'), t('handed')], ['#1f6feb', '#c92a2a']),
    chart(latencyBox, ['p50', 'p99'], ['#2b8a3e', '#e8590c'])];
}

function record(f) {
  const seconds = previous ? f.at - previous.at : 0;
  const per = (now, before) => (seconds > 0 ? Math.max(0, now - before) / seconds : null);
  series.at.push(f.at);
  series.rate.push(previous ? per(f.turns, previous.turns) : null);
  series.handoffRate.push(previous ? per(f.handoffs, previous.handoffs) : null);
  series.p50.push(ms(f.latency.p50));
  series.p99.push(ms(f.latency.p99));
  for (const values of Object.values(series)) values.splice(0, values.length - KEEP);
  previous = f;
  charts[0].setData([series.at, series.rate, series.handoffRate]);
  charts[1].setData([series.at, series.p50, series.p99]);
}

function show(f) {
  document.getElementById('db-tiles').replaceChildren(...tiles(f));
  document.getElementById('db-routes').replaceChildren(routes(f));
  document.getElementById('db-error').textContent = '';
  record(f);
}

async function refresh() {
  try {
    show(await call());
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      clearInterval(polling);
      return askToken(err.message);
    }
    document.getElementById('db-error').textContent = t('stale') + err.message;  // the last figures stay
  }
}

async function start() {
  let first;
  try {
    first = await call();
  } catch (err) {
    return askToken(err.message);
  }
  layout();
  show(first);
  clearInterval(polling);
  polling = setInterval(refresh, EVERY_MS);
}

window.addEventListener('resize', () => charts.forEach((c) => c.setSize({ width: c.root.parentNode.clientWidth, height: 220 })));

if (signedIn()) start(); else askToken();
