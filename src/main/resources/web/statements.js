// The affected user's statements of reasons (DSA Art 17) and their appeals (Art 20): #/statements
// lists GET /api/v1/me/statements, each with its appeal form (POST /api/v1/me/statements/{id}/appeal).
// A suspended or terminated account can still read and appeal here.

import { api, h, notice, replace, fmtTime, session, userListeners } from './app.js';
import { actionWords, row, groundRows, appealsRows, appealable, appealForm, spaceLink } from './redress.js';

const AUTOMATION = { fully: 'fully automated', partially: 'partly automated', not_automated: 'taken by a person' };

export function renderStatements(main) {
  main.append(h('h1', {}, 'Decisions about you'));
  if (!session.me) {
    main.append(notice('info', 'Log in to read the decisions that restricted your account or spaces. ',
      h('a', { href: '#/login?next=' + encodeURIComponent('/statements') }, 'Log in')));
    return undefined;
  }
  main.append(h('p', { class: 'muted' }, 'Each time we restrict your spaces or your account, we tell you here what we did, '
    + 'why, and how you can challenge it (a statement of reasons, EU Digital Services Act Art 17).'));
  const list = h('div', { class: 'statements', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(list);
  const load = async (focusId) => {
    let statements;
    try {
      statements = (await api('GET', '/me/statements')).statements;
    } catch (e) {
      replace(list, notice('error', 'Could not load your statements of reasons: ' + e.message));
      return;
    }
    replace(list, statements.length ? statements.map((s) => statement(s, load))
      : h('p', { class: 'empty' }, 'No decision has restricted you.'));
    const again = focusId && list.querySelector(`[data-statement="${CSS.escape(focusId)}"] .filed`);
    if (again) again.focus();
  };
  load();
  // A decided appeal, or a new statement, shows at once.
  const onEvent = (m) => {
    if (m.type === 'notification' && ['statement_of_reasons', 'appeal_decided'].includes(m.notification.kind)) load();
  };
  userListeners.add(onEvent);
  return { cleanup: () => userListeners.delete(onEvent) };
}

function statement(s, reload) {
  const headingId = 'st-' + s.id;
  const state = s.reversed ? h('span', { class: 'badge ok' }, 'Reversed: the restriction was lifted')
    : h('span', { class: 'badge' }, 'In force');
  const filed = s.appeals.find((a) => a.state === 'open')
    ? notice('ok', 'Your appeal was sent. A moderator who did not take the decision will review it.') : null;
  if (filed) {
    filed.classList.add('filed');
    filed.tabIndex = -1;
  }
  return h('article', { class: 'panel statement', dataset: { statement: s.id }, 'aria-labelledby': headingId },
    h('h2', { id: headingId }, actionWords(s.action)),
    h('div', { class: 'row' }, state, h('span', { class: 'muted' }, 'Decided ' + fmtTime(s.decidedAt))),
    h('dl', { class: 'facts' },
      s.spaceId ? row('Space', spaceLink(s.spaceId, api)) : null,
      s.label ? row('Label', s.label) : null,
      s.endsAt ? row('Until', fmtTime(s.endsAt)) : null,
      groundRows(s),
      row('Facts and reasons', h('span', { class: 'explanation' }, s.explanation)),
      row('Where it applies', s.territorialScope.join(', ')),
      row('How it was found', s.ownInitiative ? 'On our own initiative' : 'Someone reported it (we never tell you who)',
        s.automatedDetection ? ', detected automatically' : ''),
      row('The decision was', AUTOMATION[s.automatedDecision] || s.automatedDecision),
      row('Status', s.reversed ? 'Reversed: what was restricted is restored.' : 'In force.'),
      appealsRows(s.appeals),
      row('Your options', s.redress)),
    filed,
    appealable(s.reversed, s.appeals) ? appealForm('ap-' + s.id,
      (explanation) => api('POST', `/me/statements/${encodeURIComponent(s.id)}/appeal`, { explanation }),
      () => reload(s.id)) : null);
}
