// The shop's H5 chat widget. Embed: <div data-shop-chat></div><script type="module" src="…/web/widget.js"></script>
// Every message, reply and a person's joining is an event with a sequence number (agent/events.py): the widget
// shows each number once and, after any reconnect, resumes the stream after the last number it showed.
import { t, language } from './i18n.js';
import { el, uuid, apiError } from './dom.js';
import { attachMedia } from './media.js';

const BASE = new URL('..', import.meta.url);  // the gateway that serves this file
const STORE = 'shop-chat:' + BASE.host;

function styles() {
  if (document.querySelector('link[data-shop-chat-css]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: new URL('widget.css', import.meta.url), 'data-shop-chat-css': '' }));
}

class ShopChat {
  constructor(root) {
    this.root = root;
    this.lastSeq = 0;
    this.shown = new Map();     // request_id → bubble of a reply shown (or being streamed)
    this.mine = new Map();      // client key → own bubble not yet confirmed by the feed
    this.retry = 0;
    this.forgetSession();
    this.render();
    this.start();
  }

  render() {
    this.root.classList.add('sc');
    this.root.lang = language;
    this.banner = el('div', { class: 'sc-human', hidden: '' });
    this.state = el('div', { class: 'sc-state', role: 'status' });
    this.log = el('div', { class: 'sc-log', 'aria-live': 'polite' });
    this.typing = el('div', { class: 'sc-typing', hidden: '' }, t('typing'));
    this.input = el('textarea', { class: 'sc-input', rows: 1, placeholder: t('placeholder'), maxlength: 2000 });
    this.send = el('button', { class: 'sc-send', type: 'submit' }, t('send'));
    this.form = el('form', { class: 'sc-form' }, this.input, this.send);
    this.root.replaceChildren(el('header', { class: 'sc-head' }, el('strong', {}, t('title')), this.state),
      this.banner, this.log, this.typing, this.form);
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.sendText(this.input.value); });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.sendText(this.input.value); }
    });
    attachMedia(this);
    window.addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => document.hidden || this.reconnectNow());
  }

  forgetSession() {  // what is typed until the next conversation opens waits for it (this.opened)
    this.session = null;
    this.opened = new Promise((resolve) => { this.markOpened = resolve; });
  }

  async start() {
    try {
      this.session = JSON.parse(localStorage.getItem(STORE) || 'null') || await this.open();
      this.markOpened();
      this.connect();
    } catch (err) {
      this.notice(err.message || t('offline'), 'error');
      setTimeout(() => this.start(), 3000);
    }
  }

  async open() {
    const res = await fetch(new URL('v1/sessions', BASE), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'h5' }),
    });
    if (!res.ok) throw await apiError(res);
    const { session_id, session_token } = await res.json();
    const session = { session_id, session_token };
    localStorage.setItem(STORE, JSON.stringify(session));
    return session;
  }

  connect() {
    const url = new URL(`v1/sessions/${this.session.session_id}/stream`, BASE);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ token: this.session.session_token, after: this.lastSeq });
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => { this.retry = 0; this.setState(''); };
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      if (e.code === 4404 || e.code === 4401) return this.restart();
      this.setState(t('reconnecting'));
      const wait = Math.min(500 * 2 ** this.retry++, 5000);
      this.reconnecting = setTimeout(() => this.connect(), wait);
    };
  }

  reconnectNow() {  // back online, or the page shown again: no need to wait out the backoff
    if (this.session && this.ws?.readyState === WebSocket.CLOSED) {
      clearTimeout(this.reconnecting);
      this.connect();
    }
  }

  async restart() {  // the conversation expired: a new one
    localStorage.removeItem(STORE);
    this.lastSeq = 0;
    this.notice(t('expired'), 'info');
    this.forgetSession();
    this.start();
  }

  setState(text) { this.state.textContent = text; }

  receive(event) {
    if (event.seq) {
      if (event.seq <= this.lastSeq) return;  // shown already
      this.lastSeq = event.seq;
    }
    const show = {
      shopper_message: () => this.ownMessage(event),
      reply: () => this.reply(event),
      token: () => this.token(event),
      status: () => this.status(event),
      human_joined: () => this.human(true, event),
      human_left: () => this.human(false, event),
      agent_message: () => this.bubble('agent', event.text, event.agent),
      error: () => this.notice(event.error?.message || t('failed'), 'error'),
    }[event.type];
    if (show) show();
    this.log.scrollTop = this.log.scrollHeight;
  }

  ownMessage(event) {
    this.log.querySelectorAll('.sc-quick').forEach((q) => q.remove());  // answered
    let bubble = event.client_key && this.mine.get(event.client_key);
    if (bubble) {
      this.mine.delete(event.client_key);
      bubble.classList.remove('sc-pending', 'sc-failed');
    } else {
      bubble = this.bubble('me', event.text || (event.audio ? t('voice') : event.image ? t('photo') : ''));
    }
    bubble.dataset.request = event.request_id;
  }

  reply(event) {
    const old = this.shown.get(event.request_id);
    if (old && !old.classList.contains('sc-streaming')) return;  // the same reply pushed again
    this.typing.hidden = true;
    if (event.transcript) {
      const mine = this.log.querySelector(`[data-request="${event.request_id}"]`);
      if (mine) mine.append(el('div', { class: 'sc-transcript' }, event.transcript));
    }
    if (event.status === 'failed') {
      old?.remove();
      return this.notice(event.error?.message || t('failed'), 'error');
    }
    const reply = event.reply || {};
    if (!reply.text) { old?.remove(); return; }  // a person holds the conversation: the bot said nothing
    const bubble = old || this.bubble('bot', '');
    bubble.classList.remove('sc-streaming');
    bubble.querySelector('.sc-text').textContent = reply.text;
    this.shown.set(event.request_id, bubble);
    for (const card of reply.cards || []) bubble.append(this.card(card));
    this.log.querySelectorAll('.sc-quick').forEach((q) => q.remove());  // only the latest question's answers
    if (reply.quick_replies?.length) {
      bubble.after(el('div', { class: 'sc-quick' }, ...reply.quick_replies.map((q) =>
        el('button', { type: 'button', onclick: () => this.sendText(q.text, q.label) }, q.label))));
    }
  }

  token(event) {
    let bubble = this.shown.get(event.request_id);
    if (!bubble) {
      bubble = this.bubble('bot', '');
      bubble.classList.add('sc-streaming');
      this.shown.set(event.request_id, bubble);
    }
    if (bubble.classList.contains('sc-streaming')) bubble.querySelector('.sc-text').textContent += event.text;
    this.typing.hidden = true;
  }

  status(event) {
    if (event.status === 'running' && !this.humanHere) this.typing.hidden = false;
    if (event.status === 'delayed') this.notice(event.error?.message || t('delayed'), 'info');
  }

  human(present, event) {
    this.humanHere = present;
    this.banner.hidden = !present;
    this.banner.textContent = present ? t('humanHere', event.agent) : '';
    this.root.classList.toggle('sc-with-human', present);
    this.notice(present ? t('humanJoined', event.agent) : t(event.closed ? 'humanClosed' : 'humanLeft'), 'info');
  }

  card(card) {
    const price = card.price == null ? '' : card.price_to ? `$${card.price.toFixed(2)} – $${card.price_to.toFixed(2)}` : `$${card.price.toFixed(2)}`;
    const stock = card.in_stock ? t('inStock', card.in_stock, card.options) : t('outOfStock');
    return el('div', { class: 'sc-card', 'data-product': card.product_id },
      el('div', { class: 'sc-card-name' }, card.name), el('div', { class: 'sc-card-price' }, price),
      el('div', { class: card.in_stock ? 'sc-card-stock' : 'sc-card-stock sc-none' }, stock));
  }

  bubble(who, text, name) {
    const bubble = el('div', { class: `sc-msg sc-${who}` });
    if (name) bubble.append(el('div', { class: 'sc-name' }, t('person', name)));
    bubble.append(el('div', { class: 'sc-text' }, text));
    this.log.append(bubble);
    this.log.scrollTop = this.log.scrollHeight;
    return bubble;
  }

  notice(text, kind) {
    const line = el('div', { class: `sc-notice sc-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
    this.log.append(line);
    this.log.scrollTop = this.log.scrollHeight;
  }

  sendText(text, label) {
    text = text.trim();
    if (!text) return;
    this.input.value = '';
    this.post(label || text, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  }

  // a turn sent over HTTP with an idempotency key: a retry after a dropped connection is the same turn
  async post(shown, init) {
    const key = uuid();
    const bubble = this.bubble('me', shown);
    bubble.classList.add('sc-pending');
    this.mine.set(key, bubble);
    await this.opened;  // typed while the conversation was still opening: sent once it is, not dropped
    const url = new URL(`v1/sessions/${this.session.session_id}/messages`, BASE);
    const headers = { ...init.headers, Authorization: `Bearer ${this.session.session_token}`, 'Idempotency-Key': key };
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', ...init, headers });
        if (res.ok) return;
        const err = await apiError(res);
        if (res.status === 404 || res.status === 401) { this.mine.delete(key); return this.restart(); }
        if (res.status !== 503 || attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 1000 * (err.retryAfter || 1)));
      } catch (err) {
        if (err.status || attempt >= 8) {  // refused: said plainly; the bubble stays marked
          this.mine.delete(key);
          bubble.classList.replace('sc-pending', 'sc-failed');
          return this.notice(err.status ? err.message : t('offline'), 'error');
        }
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));  // offline: the same turn again
      }
    }
  }
}

styles();
for (const root of document.querySelectorAll('[data-shop-chat]')) root.shopChat = new ShopChat(root);
