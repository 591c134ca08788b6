// The Stentor web app: a hash router (#/, #/signup, #/login, #/new, #/space/ID, #/moderation, and the trust &
// safety pages #/statements, #/notices, #/notice, #/notifications in their own modules), the API client, and
// the pages other than the room (room.js). Plain ES modules, no build step.

import { renderRoom } from './room.js';
import { renderReport } from './report.js';
import { renderModeration } from './moderation.js';
import { renderStatements } from './statements.js';
import { renderMyNotices, renderFollowedNotice } from './notices.js';
import { renderNotifications, notificationsNavLink, notificationLink } from './notifications.js';
import { Backoff, wsUrl, diag } from './audio.js';

// ---------------------------------------------------------------- API client

/** An error answer of the API ({error, message}), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/**
 * Calls the JSON API; resolves to the parsed body (null for 204), rejects with ApiError. When a
 * busy server asks for proof-of-work (428), solves a challenge and retries once with the proof.
 */
export async function api(method, path, body) {
  try {
    return await request(method, path, body);
  } catch (e) {
    if (e.status !== 428 || !e.code.startsWith('proof_of_work_')) throw e;
    return request(method, path, body, await proofOfWork());
  }
}

async function request(method, path, body, proof) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (proof) opts.headers['Stentor-Proof'] = proof;
  let res;
  try {
    res = await fetch('/api/v1' + path, opts);
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below if it was an error
  }
  if (!res.ok) {
    const msg = json && json.message ? json.message : `The server answered ${res.status} ${res.statusText}.`;
    if (res.status === 403 && json && json.error === 'account_restricted') showRestricted(msg);
    throw new ApiError(res.status, json && json.error ? json.error : 'http_' + res.status, msg,
      res.headers.get('Retry-After'));
  }
  return json;
}

/**
 * Fetches a challenge and finds a counter n such that SHA-256(challenge + ':' + n) starts with
 * `difficulty` zero bits (docs/PROTOCOL.md); hashes in batches and yields between them, so the
 * page stays responsive. Resolves to the Stentor-Proof header value.
 */
async function proofOfWork() {
  const { challenge, difficulty } = await request('GET', '/guard/challenge');
  if (!globalThis.crypto || !crypto.subtle) {
    throw new ApiError(428, 'proof_of_work_unsupported',
      'The server is busy and asks for a proof of work, which this page can only compute over HTTPS.');
  }
  const enc = new TextEncoder();
  const batch = 512;
  for (let start = 0; ; start += batch) {
    const hashes = [];
    for (let n = start; n < start + batch; n++) {
      hashes.push(crypto.subtle.digest('SHA-256', enc.encode(challenge + ':' + n)));
    }
    const done = await Promise.all(hashes);
    for (let i = 0; i < batch; i++) {
      if (leadingZeroBits(new Uint8Array(done[i])) >= difficulty) return challenge + ':' + (start + i);
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function leadingZeroBits(bytes) {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

// ---------------------------------------------------------------- DOM helpers

/** Creates an element: h('button', {class: 'x', onclick: f, 'aria-label': 'y'}, 'text', child...). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/**
 * Replaces a container's children, keeping keyboard focus on the element with the same
 * data-key if there is one (re-rendering must not throw a keyboard user back to the top).
 */
export function replace(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : null;
  container.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

/** A message for people: kind 'error' | 'info' | 'ok'. */
export function notice(kind, text, ...extra) {
  return h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text, ...extra);
}

/** A short message at the bottom of the screen, read by screen readers; with a link, it stays longer. */
export function toast(text, ...extra) {
  const box = document.getElementById('toasts');
  const t = h('div', { class: 'toast' }, text, ...extra);
  box.append(t);
  setTimeout(() => t.remove(), extra.length ? 15000 : 6000);
}

/**
 * A suspended or terminated account (403 account_restricted): a plain banner above every page,
 * saying so and where to read the decision and appeal it.
 */
function showRestricted(message) {
  let banner = document.getElementById('restricted');
  if (!banner) {
    banner = h('div', { id: 'restricted', class: 'notice error restricted', role: 'alert' });
    document.getElementById('main').before(banner);
  }
  replace(banner, h('p', {}, message), h('a', { href: '#/statements' }, 'Read the decision and appeal it'));
}

export function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0].toUpperCase()).join('') || '?';
}

export const fmtTime = (iso) => new Date(iso).toLocaleString(undefined, { weekday: 'short', month: 'short',
  day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function fmtDuration(ms) {
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A <input type=datetime-local> value for an instant, in local time. */
export function localInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

/** Runs an API action from a button: disables it meanwhile, shows errors plainly. */
export async function act(button, fn, errorBox) {
  if (button) button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    const text = e instanceof ApiError ? e.message : 'Something went wrong: ' + e.message;
    if (errorBox) replace(errorBox, notice('error', text));
    else toast(text);
    return undefined;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

// ---------------------------------------------------------------- session

/** Who is signed in: the User, or null. */
export const session = { me: null };

async function loadMe() {
  try {
    session.me = await api('GET', '/me');
  } catch (e) {
    session.me = null;
    if (e.status !== 401) toast(e.message);
  }
  renderNav();
  userEvents();
}

let bell = null;

function renderNav() {
  const nav = document.getElementById('nav');
  const me = session.me;
  bell = me ? notificationsNavLink() : null;
  if (!me) document.getElementById('restricted')?.remove();
  replace(nav, me
    ? [['moderator', 'admin'].includes(me.role) ? h('a', { href: '#/moderation', class: 'button' }, 'Moderation') : null,
      h('a', { href: '#/new', class: 'button primary' }, 'New space'),
      bell,
      h('a', { href: '#/statements', class: 'button', title: 'Decisions about you and your appeals' }, 'Statements'),
      h('span', { class: 'who', title: '@' + me.handle }, h('span', { class: 'avatar small', 'aria-hidden': 'true' },
        initials(me.displayName)), h('span', { class: 'who-name' }, me.displayName)),
      h('button', { type: 'button', class: 'button', onclick: logout }, 'Log out')]
    : [h('a', { href: '#/login', class: 'button' }, 'Log in'),
      h('a', { href: '#/signup', class: 'button primary' }, 'Sign up')]);
}

async function logout(ev) {
  await act(ev.currentTarget, async () => {
    await api('POST', '/auth/logout');
    session.me = null;
    renderNav();
    userEvents();
    toast('You are logged out.');
    go('#/');
  });
}

// The signed-in user's own events: notifications (a followed space started, an invitation to a stage).
let userSocket = null;
export const userListeners = new Set();

function userEvents() {
  if (userSocket) userSocket.stop();
  userSocket = null;
  if (!session.me) return;
  const backoff = new Backoff();
  const s = { stopped: false, ws: null, timer: null };
  s.stop = () => {
    s.stopped = true;
    clearTimeout(s.timer);
    if (s.ws) s.ws.close(1000);
    diag.connections.user = 'closed';
  };
  const connect = () => {
    if (s.stopped) return;
    diag.connections.user = 'connecting';
    const ws = new WebSocket(wsUrl('/api/v1/me/events'));
    s.ws = ws;
    ws.onopen = () => {
      diag.connections.user = 'open';
    };
    ws.onmessage = (ev) => {
      backoff.reset();
      const m = JSON.parse(ev.data);
      if (m.type === 'notification') {
        const n = m.notification;
        const here = location.hash === '#/space/' + n.spaceId;
        if (!here || n.kind !== 'stage_invite') {
          const to = notificationLink(n);
          toast(n.message, ...(to && !to[0].startsWith('#/space/') ? [' ', h('a', { href: to[0] }, to[1])] : []));
        }
        bell?.bump();
      }
      for (const l of userListeners) l(m);
    };
    ws.onclose = () => {
      if (s.stopped) return;
      diag.connections.user = 'waiting';
      s.timer = setTimeout(connect, backoff.next());
    };
  };
  connect();
  userSocket = s;
}

// ---------------------------------------------------------------- router

let cleanup = null;

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function route() {
  if (cleanup) {
    try {
      cleanup();
    } catch (e) {
      console.error(e);
    }
    cleanup = null;
  }
  const main = document.getElementById('main');
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  main.replaceChildren();
  let page;
  if (parts.length === 0) page = home(main);
  else if (parts[0] === 'signup') page = authPage(main, 'signup', params.get('next'));
  else if (parts[0] === 'login') page = authPage(main, 'login', params.get('next'));
  else if (parts[0] === 'new') page = newSpace(main);
  else if (parts[0] === 'space' && parts[1]) page = renderRoom(main, decodeURIComponent(parts[1]));
  else if (parts[0] === 'report') page = renderReport(main, params.get('space'));
  else if (parts[0] === 'statements') page = renderStatements(main);
  else if (parts[0] === 'notices') page = renderMyNotices(main);
  else if (parts[0] === 'notice') page = renderFollowedNotice(main, params.get('id'), params.get('key'));
  else if (parts[0] === 'notifications') page = renderNotifications(main, () => bell?.clear());
  else if (parts[0] === 'moderation') page = renderModeration(main, parts[1] === 'notice' ? decodeURIComponent(parts[2] || '') : null);
  else page = notFound(main);
  cleanup = page && page.cleanup ? page.cleanup : null;
  // Move focus to the new page's heading, for keyboard and screen-reader users, unless the page
  // already put it somewhere useful (a form's first field).
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

function notFound(main) {
  main.append(h('h1', {}, 'Page not found'), notice('error', 'There is nothing at this address.'),
    h('p', {}, h('a', { href: '#/' }, 'Go to the home page')));
}

// ---------------------------------------------------------------- home

function home(main) {
  const live = h('div', { class: 'cards', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const upcoming = h('div', { class: 'cards' }, h('p', { class: 'muted' }, 'Loading…'));
  const replays = h('div', { class: 'cards' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(
    h('section', { class: 'hero' }, h('h1', {}, 'Live conversations, for everyone listening'),
      h('p', { class: 'muted' }, session.me
        ? 'Start a space now or schedule one; anyone with the link can listen.'
        : 'Listen without an account. Sign up to react, ask to speak, or host your own space.')),
    h('section', { 'aria-labelledby': 'live-h' }, h('h2', { id: 'live-h' }, h('span', { class: 'dot live' }), 'Live now'), live),
    h('section', { 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, 'Upcoming'), upcoming),
    h('section', { 'aria-labelledby': 'rep-h' }, h('h2', { id: 'rep-h' }, 'Replays'), replays));

  const load = async () => {
    try {
      const [l, u, e] = await Promise.all([api('GET', '/spaces?state=live'), api('GET', '/spaces?state=scheduled'),
        api('GET', '/spaces?state=ended&limit=20')]);
      replace(live, l.spaces.length ? l.spaces.map(liveCard)
        : h('p', { class: 'empty' }, 'Nothing is live right now.', session.me ? [' ', h('a', { href: '#/new' }, 'Start a space')] : ''));
      replace(upcoming, u.spaces.length ? u.spaces.map(upcomingCard) : h('p', { class: 'empty' }, 'Nothing scheduled.'));
      const withReplay = e.spaces.filter((s) => s.replay);
      replace(replays, withReplay.length ? withReplay.map(replayCard) : h('p', { class: 'empty' }, 'No replays yet.'));
    } catch (err) {
      replace(live, notice('error', 'Could not load spaces: ' + err.message));
      upcoming.replaceChildren();
      replays.replaceChildren();
    }
  };
  load();
  const timer = setInterval(load, 15000); // listener counts stay fresh
  return { cleanup: () => clearInterval(timer) };
}

function hostLine(s) {
  return h('span', { class: 'host' }, h('span', { class: 'avatar small', 'aria-hidden': 'true' }, initials(s.host.displayName)),
    s.host.displayName, h('span', { class: 'muted' }, ' @' + s.host.handle));
}

function liveCard(s) {
  return h('a', { class: 'card live', href: '#/space/' + s.id, 'aria-label': `${s.title}, live, hosted by ${s.host.displayName}, `
      + `${s.listeners} listening. Join.` },
  h('span', { class: 'badge live' }, 'LIVE'),
  h('h3', {}, s.title),
  s.description ? h('p', { class: 'desc' }, s.description) : null,
  h('div', { class: 'meta' }, hostLine(s), h('span', { class: 'count' }, `🎧 ${s.listeners} listening`)));
}

function upcomingCard(s) {
  const follow = h('button', { type: 'button', class: 'button small', 'aria-pressed': 'false',
    'aria-label': `Remind me when ${s.title} starts` }, '🔔 Remind me');
  const setFollowing = (on) => {
    follow.setAttribute('aria-pressed', String(on));
    follow.textContent = on ? '✓ Reminder set' : '🔔 Remind me';
  };
  follow.onclick = () => {
    if (!session.me) return go('#/login?next=' + encodeURIComponent('/'));
    const on = follow.getAttribute('aria-pressed') !== 'true';
    act(follow, async () => {
      await api(on ? 'POST' : 'DELETE', `/spaces/${s.id}/follow`);
      setFollowing(on);
      toast(on ? `You will be notified when "${s.title}" starts.` : 'Reminder removed.');
    });
  };
  if (session.me) {
    api('GET', '/spaces/' + s.id).then((d) => d.you && setFollowing(d.you.following)).catch(() => {});
  }
  return h('div', { class: 'card' },
    h('span', { class: 'badge' }, '🗓 ' + fmtTime(s.scheduledStart)),
    h('h3', {}, h('a', { href: '#/space/' + s.id }, s.title)),
    s.description ? h('p', { class: 'desc' }, s.description) : null,
    h('div', { class: 'meta' }, hostLine(s), follow));
}

function replayCard(s) {
  return h('div', { class: 'card' },
    h('span', { class: 'badge' }, '⏺ Replay · ' + fmtDuration(s.replay.durationMillis)),
    h('h3', {}, h('a', { href: '#/space/' + s.id }, s.title)),
    h('div', { class: 'meta' }, hostLine(s)),
    h('audio', { controls: true, preload: 'none', src: s.replay.url, 'aria-label': 'Replay of ' + s.title }));
}

// ---------------------------------------------------------------- sign up / log in

function authPage(main, kind, next) {
  const signup = kind === 'signup';
  const errors = h('div', { class: 'errors' });
  const handle = h('input', { id: 'f-handle', name: 'handle', required: true, autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', pattern: signup ? '[A-Za-z][A-Za-z0-9_]{2,29}' : null,
    'aria-describedby': signup ? 'f-handle-help' : null });
  const display = signup ? h('input', { id: 'f-display', name: 'displayName', required: true, maxlength: '50',
    autocomplete: 'name' }) : null;
  const password = h('input', { id: 'f-password', name: 'password', type: 'password', required: true,
    minlength: signup ? '8' : null, autocomplete: signup ? 'new-password' : 'current-password',
    'aria-describedby': signup ? 'f-password-help' : null });
  const submit = h('button', { type: 'submit', class: 'button primary' }, signup ? 'Create account' : 'Log in');
  const form = h('form', { class: 'form', novalidate: true },
    errors,
    h('label', { for: 'f-handle' }, 'Handle'), handle,
    signup ? h('p', { id: 'f-handle-help', class: 'help' }, '3–30 letters, digits or _, starting with a letter.') : null,
    signup ? [h('label', { for: 'f-display' }, 'Display name'), display] : null,
    h('label', { for: 'f-password' }, 'Password'), password,
    signup ? h('p', { id: 'f-password-help', class: 'help' }, 'At least 8 characters.') : null,
    submit,
    h('p', {}, signup ? 'Already have an account? ' : 'New here? ',
      h('a', { href: (signup ? '#/login' : '#/signup') + (next ? '?next=' + encodeURIComponent(next) : '') },
        signup ? 'Log in' : 'Sign up')));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    await act(submit, async () => {
      if (signup) {
        session.me = await api('POST', '/users', { handle: handle.value.trim(), displayName: display.value.trim(),
          password: password.value });
      } else {
        session.me = (await api('POST', '/auth/login', { handle: handle.value.trim(), password: password.value })).user;
      }
      renderNav();
      userEvents();
      toast(signup ? `Welcome, ${session.me.displayName}!` : `Welcome back, ${session.me.displayName}.`);
      go('#' + (next && next.startsWith('/') ? next : '/'));
    }, errors);
  };
  main.append(h('div', { class: 'narrow' }, h('h1', {}, signup ? 'Sign up' : 'Log in'), form));
  handle.focus();
}

// ---------------------------------------------------------------- new space

function newSpace(main) {
  if (!session.me) {
    main.append(h('h1', {}, 'New space'), notice('info', 'Log in to host a space. ',
      h('a', { href: '#/login?next=' + encodeURIComponent('/new') }, 'Log in'), ' or ',
      h('a', { href: '#/signup?next=' + encodeURIComponent('/new') }, 'sign up'), '.'));
    return;
  }
  const errors = h('div', { class: 'errors' });
  const title = h('input', { id: 'f-title', name: 'title', required: true, maxlength: '120' });
  const desc = h('textarea', { id: 'f-desc', name: 'description', rows: '3', maxlength: '2000' });
  const now = h('input', { type: 'radio', name: 'when', id: 'f-now', value: 'now', checked: true });
  const later = h('input', { type: 'radio', name: 'when', id: 'f-later', value: 'later' });
  const soon = new Date(Date.now() + 3600_000);
  soon.setMinutes(0, 0, 0);
  const at = h('input', { type: 'datetime-local', id: 'f-at', name: 'scheduledStart', value: localInput(soon),
    disabled: true, 'aria-label': 'Start time' });
  now.onchange = later.onchange = () => {
    at.disabled = !later.checked;
  };
  const policy = h('select', { id: 'f-policy', name: 'recordingPolicy' },
    h('option', { value: 'publish_immediately' }, 'Publish the replay when the space ends'),
    h('option', { value: 'hold_until_published' }, 'Keep the replay private until I publish it'));
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create space');
  const form = h('form', { class: 'form', novalidate: true }, errors,
    h('label', { for: 'f-title' }, 'Title'), title,
    h('label', { for: 'f-desc' }, 'Description (optional)'), desc,
    h('fieldset', {}, h('legend', {}, 'When'),
      h('div', { class: 'radio' }, now, h('label', { for: 'f-now' }, 'Go live now')),
      h('div', { class: 'radio' }, later, h('label', { for: 'f-later' }, 'Schedule for'), at)),
    h('label', { for: 'f-policy' }, 'Recording'), policy,
    submit);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    const body = { title: title.value.trim(), recordingPolicy: policy.value };
    if (desc.value.trim()) body.description = desc.value.trim();
    if (later.checked) {
      const when = new Date(at.value);
      if (Number.isNaN(when.getTime())) return replace(errors, notice('error', 'Pick a start date and time.'));
      body.scheduledStart = when.toISOString();
    }
    await act(submit, async () => {
      const d = await api('POST', '/spaces', body);
      go('#/space/' + d.space.id);
    }, errors);
  };
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'New space'), form));
  title.focus();
}

// ---------------------------------------------------------------- start

window.addEventListener('hashchange', route);
loadMe().then(route);
