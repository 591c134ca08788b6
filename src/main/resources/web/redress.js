// What a decision says and how to appeal it, shared by the affected user's statements of reasons
// (statements.js) and the notifier's pages (notices.js): the measure in words, its ground, the
// appeals and their replies, and the appeal form (DSA Art 17, 20).

import { h, notice, act, replace, fmtTime, ApiError } from './app.js';

const ACTIONS = {
  no_action: 'No action was taken',
  label: 'The space was labelled',
  demote: 'The space was demoted: it is no longer listed or recommended, but stays reachable by its link',
  age_restrict: 'The space was restricted to adults',
  mute_speaker: 'A speaker was muted',
  remove_speaker: 'A speaker was removed from the stage',
  end_space: 'The space was ended',
  remove_replay: 'The replay was removed',
  suspend_account: 'The account was suspended',
  terminate_account: 'The account was terminated',
};

/** The measure in words ("The space was demoted: …"). */
export const actionWords = (action) => ACTIONS[action] || action.replaceAll('_', ' ');

const APPEAL_STATES = { open: 'Open: a moderator who did not take the decision will review it', upheld: 'Upheld: the decision stands',
  reversed: 'Reversed: the decision was undone' };

/** A term and its description, for a <dl>. */
export function row(term, ...desc) {
  return [h('dt', {}, term), h('dd', {}, ...desc)];
}

/** The ground of a decision: the law it applied, or the clause of the version of the terms (linked). */
export function groundRows(d) {
  if (d.ground === 'illegal') {
    return row('Ground', 'Illegal content under ', h('strong', {}, d.legalGround || 'the law'));
  }
  const version = d.termsUrl ? h('a', { href: d.termsUrl }, `version ${d.termsVersion} of our terms`)
    : `version ${d.termsVersion} of our terms`;
  return row('Ground', 'Incompatible with ', version, d.termsClause ? [', clause ', h('strong', {}, d.termsClause)] : '');
}

/** The appeals filed against a decision, with their state and the moderator's reply. */
export function appealsRows(appeals) {
  if (!appeals || !appeals.length) return [];
  return row('Appeals', h('ul', { class: 'appeals' }, appeals.map((a) => h('li', { class: 'appeal', dataset: { state: a.state } },
    h('span', { class: 'appeal-state' }, APPEAL_STATES[a.state] || a.state),
    h('span', { class: 'muted' }, ` (filed ${fmtTime(a.filedAt)}${a.decidedAt ? ', decided ' + fmtTime(a.decidedAt) : ''})`),
    a.reply ? h('p', { class: 'reply' }, 'Reply: ', a.reply) : null))));
}

/** True when the decision can be appealed from the page: decided, not reversed, no appeal open. */
export const appealable = (reversed, appeals) => !reversed && !(appeals || []).some((a) => a.state === 'open');

const APPEAL_ERRORS = {
  appeal_open: 'An appeal against this decision is open already; you will be told its outcome.',
  appeal_window_closed: 'This decision can no longer be appealed: appeals are open for six months after it.',
  not_decided: 'There is no decision to appeal yet.',
  invalid_explanation: 'Explain in 10 to 4,000 characters why the decision is wrong.',
};

/**
 * The appeal form: one explanation, 10–4,000 characters. submit(explanation) files it (an API
 * call); done() runs after it was filed. idBase makes the field ids unique on the page.
 */
export function appealForm(idBase, submit, done) {
  const id = idBase + '-explanation';
  const errors = h('div', { class: 'errors' });
  const text = h('textarea', { id, rows: '4', maxlength: '4000', required: true, 'aria-describedby': id + '-help' });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Send the appeal');
  const form = h('form', { class: 'form appeal-form', novalidate: true },
    h('h3', {}, 'Appeal this decision'),
    errors,
    h('label', { for: id }, 'Why is the decision wrong?'), text,
    h('p', { class: 'help', id: id + '-help' }, '10 to 4,000 characters. A moderator who did not take the decision reads it '
      + 'and answers; you are told the outcome here.'),
    button);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    const explanation = text.value.trim();
    if (explanation.length < 10 || explanation.length > 4000) {
      replace(errors, notice('error', APPEAL_ERRORS.invalid_explanation));
      text.focus();
      return;
    }
    const filed = await act(button, async () => {
      try {
        return await submit(explanation);
      } catch (e) {
        if (e instanceof ApiError && APPEAL_ERRORS[e.code]) throw new ApiError(e.status, e.code, APPEAL_ERRORS[e.code]);
        throw e;
      }
    }, errors);
    if (filed) done(filed);
  };
  return form;
}

/** A link to a space, named by its title once known (the id until then, or if the space is gone). */
export function spaceLink(spaceId, api) {
  const link = h('a', { href: '#/space/' + encodeURIComponent(spaceId) }, 'space ' + spaceId);
  api('GET', '/spaces/' + encodeURIComponent(spaceId)).then((d) => {
    link.textContent = `“${d.space.title}”`;
  }).catch(() => {});
  return link;
}
