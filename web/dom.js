// Small helpers shared by the widget and the desk.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

export function uuid() {
  return crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// the service's error envelope {"error": {"code", "message"}} as an Error a page can show
export async function apiError(res) {
  let body = {};
  try { body = await res.json(); } catch { /* not JSON: the status says it */ }
  const err = new Error(body.error?.message || `${res.status} ${res.statusText}`);
  err.status = res.status;
  err.code = body.error?.code;
  err.retryAfter = Number(res.headers.get('Retry-After')) || 0;
  return err;
}
