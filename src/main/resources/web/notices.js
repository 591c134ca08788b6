// The notifier's side (DSA Art 16(5), 20): #/notices lists the signed-in user's notices
// (GET /api/v1/me/notices) with each decision and an appeal form; #/notice?id=ID&key=K follows one
// notice with the key of its receipt, no account needed (GET /api/v1/notices/{id}?key=K).

import { api, h, notice, replace, fmtTime, session } from './app.js';
import { CATEGORIES } from './report.js';
import { actionWords, row, groundRows, appealsRows, appealable, appealForm } from './redress.js';

// Looked up when used: report.js and this module import each other.
const categoryName = (c) => (CATEGORIES.find(([v]) => v === c) || [c, c])[1];

/** The app's address for a receipt's follow-up link (/api/v1/notices/ID?key=K). */
export function followUpHash(followUp) {
  const url = new URL(followUp, location.origin);
  const id = url.pathname.split('/').pop();
  return `#/notice?id=${encodeURIComponent(id)}&key=${encodeURIComponent(url.searchParams.get('key') || '')}`;
}

export function renderMyNotices(main) {
  main.append(h('h1', {}, 'Your reports'));
  if (!session.me) {
    main.append(notice('info', 'Log in to see the reports you sent. If you reported without an account, open the '
      + 'follow-up link of your receipt.'));
    return;
  }
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(list);
  const load = async () => {
    try {
      const { notices } = await api('GET', '/me/notices');
      replace(list, notices.length ? notices.map((n) => noticeView(n, 'h2',
        (explanation) => api('POST', `/me/notices/${encodeURIComponent(n.id)}/appeal`, { explanation }), load))
        : h('p', { class: 'empty' }, 'You have not reported anything.'));
    } catch (e) {
      replace(list, notice('error', 'Could not load your reports: ' + e.message));
    }
  };
  load();
}

export function renderFollowedNotice(main, id, key) {
  main.append(h('h1', {}, 'Your report'));
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(body);
  if (!id || !key) {
    replace(body, notice('error', 'This link is incomplete: open the follow-up link of your receipt exactly as it was given.'));
    return;
  }
  const path = `/notices/${encodeURIComponent(id)}`;
  const query = '?key=' + encodeURIComponent(key);
  const load = async () => {
    try {
      const n = await api('GET', path + query);
      replace(body, h('p', { class: 'muted' }, 'Keep this page’s address: it is the only way to follow this report without an account.'),
        noticeView(n, 'h2', (explanation) => api('POST', path + '/appeal' + query, { explanation }), load));
    } catch (e) {
      replace(body, notice('error', e.status === 404 ? 'There is no report with this link. Check that you copied all of it.'
        : 'Could not load your report: ' + e.message));
    }
  };
  load();
}

/** One notice as its sender follows it: state, then the decision, the appeals and the redress options. */
function noticeView(n, level, submitAppeal, reload) {
  const d = n.decision;
  const headingId = 'nt-' + n.id;
  return h('article', { class: 'panel notice-status', dataset: { notice: n.id }, 'aria-labelledby': headingId },
    h(level, { id: headingId }, categoryName(n.category)),
    h('dl', { class: 'facts' },
      row('Reference', n.id),
      row('Received', fmtTime(n.receivedAt)),
      row('State', d ? 'Decided ' + fmtTime(d.decidedAt) : 'Waiting for a decision: we will decide without undue delay.'),
      d ? [row('Decision', actionWords(d.action), d.reversed ? ' (since reversed)' : ''), groundRows(d),
        row('Reasons', h('span', { class: 'explanation' }, d.explanation))] : null,
      appealsRows(n.appeals),
      n.redress ? row('Your options', n.redress) : null),
    d && appealable(false, n.appeals) ? appealForm('ap-' + n.id, submitAppeal, reload) : null);
}
