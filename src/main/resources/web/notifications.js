// The signed-in user's notifications: #/notifications lists GET /api/v1/me/notifications with a
// link to what each is about (a space, a statement of reasons, a report), and marks them read.

import { api, h, notice, replace, fmtTime, session } from './app.js';

const SAFETY = new Set(['statement_of_reasons', 'appeal_decided', 'misuse_warning']);

/** Where a notification leads, and what the link says; null when nowhere. */
export function notificationLink(n) {
  if (SAFETY.has(n.kind)) return ['#/statements', 'Read the statement of reasons and how to appeal'];
  if (n.kind === 'notice_decided') return ['#/notices', 'See the decision on your report'];
  if (n.spaceId) return ['#/space/' + encodeURIComponent(n.spaceId), 'Open the space'];
  return null;
}

/** The header's link to the notifications, with the number of unread ones. */
export function notificationsNavLink() {
  const link = h('a', { href: '#/notifications', class: 'button' }, '🔔');
  const show = (unread) => {
    link.textContent = unread ? `🔔 ${unread}` : '🔔';
    link.setAttribute('aria-label', unread ? `Notifications, ${unread} unread` : 'Notifications');
  };
  show(0);
  api('GET', '/me/notifications?limit=1').then((d) => show(d.unread)).catch(() => {});
  link.bump = () => show((Number(link.textContent.replace(/\D/g, '')) || 0) + 1);
  link.clear = () => show(0);
  return link;
}

export function renderNotifications(main, onRead) {
  main.append(h('h1', {}, 'Notifications'));
  if (!session.me) {
    main.append(notice('info', 'Log in to see your notifications.'));
    return;
  }
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('p', {}, h('a', { href: '#/statements' }, 'Decisions about you'), ' · ',
    h('a', { href: '#/notices' }, 'Your reports')), list);
  api('GET', '/me/notifications').then((d) => {
    replace(list, d.notifications.length ? h('ul', { class: 'mod-queue' }, d.notifications.map((n) => {
      const to = notificationLink(n);
      return h('li', { class: 'panel notification', dataset: { kind: n.kind } },
        h('p', {}, n.readAt ? '' : h('strong', {}, 'New: '), n.message),
        h('p', { class: 'muted' }, fmtTime(n.createdAt), to ? [' · ', h('a', { href: to[0] }, to[1])] : ''));
    })) : h('p', { class: 'empty' }, 'No notifications.'));
    if (d.unread) api('POST', '/me/notifications/read').then(onRead).catch(() => {});
  }).catch((e) => replace(list, notice('error', 'Could not load your notifications: ' + e.message)));
}
