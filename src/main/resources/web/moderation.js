// The moderator console (#/moderation, #/moderation/notice/ID): the prioritised queue of notices,
// a notice with the reported audio ranges to play, the decision form (DSA Art 17 statement of
// reasons), and the open appeals (Art 20). Moderators and admins only; the API enforces it too.

import { api, h, notice, act, session, replace, toast, go, fmtTime, fmtDuration } from './app.js';

const CATEGORY = {
  child_sexual_abuse_material: 'Child sexual abuse material',
  risk_for_public_security: 'Risk for public security',
  violence: 'Violence or threats',
  protection_of_minors: 'Harm to minors',
  illegal_or_harmful_speech: 'Illegal or harmful speech',
  scams_and_fraud: 'Scams and fraud',
  data_protection_and_privacy_violations: 'Privacy violation',
  negative_effects_on_civic_discourse_or_elections: 'Civic discourse or elections',
  intellectual_property_infringements: 'Intellectual property',
  other: 'Other',
};

// Every action of a decision, and the extra fields each needs (see docs/openapi.yaml).
const ACTIONS = [
  ['no_action', 'No action', []],
  ['label', 'Label the space', ['label']],
  ['demote', 'Demote (no amplification, stays reachable by link)', []],
  ['age_restrict', 'Age-restrict', []],
  ['mute_speaker', 'Mute a speaker', ['speaker']],
  ['remove_speaker', 'Remove a speaker', ['speaker']],
  ['end_space', 'End the live space', []],
  ['remove_replay', 'Remove the replay', []],
  ['cut_replay', 'Cut a time range out of the replay', ['range']],
  ['suspend_account', 'Suspend the account for a period', ['suspend']],
  ['terminate_account', 'Terminate the account', []],
];

const BADGES = { trusted_flagger: 'Trusted flagger', live: 'Live now', severe: 'Severe' };
const EVIDENCE = {
  kept: 'Preserved: plays even if the replay is removed.',
  pending: 'Being preserved: the space is still recording this range.',
  unavailable: 'Could not be preserved (the recording was gone or does not reach this range).',
  deleted: 'Deleted under the retention policy.',
};

const canModerate = () => session.me && ['moderator', 'admin'].includes(session.me.role);

/** "1:05" or "65" → ms; empty → null; anything else → NaN. */
function toMs(text) {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!text.trim()) return null;
  return m ? ((Number(m[1] || 0) * 60) + Number(m[2])) * 1000 : NaN;
}

const range = (from, to) => `${fmtDuration(from)}–${fmtDuration(to)}`;

export function renderModeration(main, noticeId) {
  if (!canModerate()) {
    main.append(h('h1', {}, 'Moderation'), notice('error', session.me
      ? 'Only moderators can see the moderation console.'
      : 'Log in as a moderator to see the moderation console. ',
    session.me ? null : h('a', { href: '#/login?next=' + encodeURIComponent(location.hash.slice(1)) }, 'Log in')));
    return;
  }
  if (noticeId) return noticePage(main, noticeId);
  return queuePage(main);
}

// ---------------------------------------------------------------- the queue and the appeals

function queuePage(main) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const appeals = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('h1', {}, 'Moderation'),
    h('p', { class: 'muted' }, 'Trusted flaggers first, then spaces live now, then the most severe, then the oldest.'),
    h('section', { 'aria-labelledby': 'mq-h' }, h('h2', { id: 'mq-h' }, 'Notices to decide'), list),
    h('section', { 'aria-labelledby': 'ma-h' }, h('h2', { id: 'ma-h' }, 'Open appeals'), appeals));
  const load = () => api('GET', '/moderation/notices').then((d) => replace(list, d.notices.length
    ? h('ol', { class: 'mod-queue' }, d.notices.map(queueItem))
    : h('p', { class: 'empty' }, 'No notice is waiting.')))
    .catch((e) => replace(list, notice('error', 'Could not load the queue: ' + e.message)));
  load();
  loadAppeals(appeals);
  const timer = setInterval(load, 15000); // new notices, and spaces going live or ending, reorder the queue
  return { cleanup: () => clearInterval(timer) };
}

function badges(n) {
  return (n.priority || []).map((p) => h('span', { class: 'badge prio-' + p }, BADGES[p] || p));
}

function queueItem(n) {
  const what = n.items.map((i) => i.kind === 'user_profile' ? '@' + i.userHandle
    : (i.kind === 'space_text' ? 'title/description' : 'audio' + (i.fromMs != null ? ' ' + range(i.fromMs, i.toMs) : '')))
    .join(', ');
  return h('li', { class: 'mod-item', dataset: { notice: n.id } },
    h('a', { href: '#/moderation/notice/' + encodeURIComponent(n.id), class: 'mod-link', 'data-key': 'notice-' + n.id },
      h('span', { class: 'mod-title' }, CATEGORY[n.category] || n.category),
      h('span', { class: 'muted' }, ` · ${fmtTime(n.receivedAt)} · ${what}`)),
    h('span', { class: 'row' }, badges(n)));
}

async function loadAppeals(box) {
  try {
    const d = await api('GET', '/moderation/appeals');
    replace(box, d.appeals.length ? h('ul', { class: 'mod-appeals' }, d.appeals.map(appealItem))
      : h('p', { class: 'empty' }, 'No appeal is open.'));
  } catch (e) {
    replace(box, notice('error', 'Could not load the appeals: ' + e.message));
  }
}

function appealItem(a) {
  const id = 'ap-' + a.id;
  const errors = h('div', { class: 'errors' });
  const upheld = h('input', { type: 'radio', name: id + '-outcome', id: id + '-upheld', value: 'upheld', checked: true });
  const reversed = h('input', { type: 'radio', name: id + '-outcome', id: id + '-reversed', value: 'reversed' });
  const reply = h('textarea', { id: id + '-reply', rows: '3', required: true, maxlength: '4000' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Decide the appeal');
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': 'Decide appeal ' + a.id }, errors,
    h('fieldset', {}, h('legend', {}, 'Outcome'),
      h('div', { class: 'radio' }, upheld, h('label', { for: id + '-upheld' }, 'Upheld: the decision stands')),
      h('div', { class: 'radio' }, reversed, h('label', { for: id + '-reversed' }, 'Reversed: restore what was restricted'))),
    h('label', { for: id + '-reply' }, 'Reply to the appellant'), reply, submit);
  const li = h('li', { class: 'panel' },
    h('p', {}, h('strong', {}, 'Appeal filed ' + fmtTime(a.filedAt)),
      h('span', { class: 'muted' }, (a.role ? ` by the ${a.role === 'notifier' ? 'notifier' : 'affected user'}` : '')
        + ' against decision ' + a.decisionId)),
    h('blockquote', {}, a.explanation), form);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    await act(submit, async () => {
      const r = await api('POST', `/moderation/appeals/${encodeURIComponent(a.id)}/decision`,
        { outcome: reversed.checked ? 'reversed' : 'upheld', reply: reply.value });
      replace(li, notice('ok', `Appeal ${r.state}. The appellant is told.`));
    }, errors);
  };
  return li;
}

// ---------------------------------------------------------------- one notice

async function noticePage(main, id) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('p', {}, h('a', { href: '#/moderation' }, '← Back to the queue')), h('h1', {}, 'Notice'), body);
  let n;
  let evidence = [];
  try {
    [n, evidence] = await Promise.all([api('GET', '/moderation/notices/' + encodeURIComponent(id)),
      api('GET', `/moderation/notices/${encodeURIComponent(id)}/evidence`).then((d) => d.evidence).catch(() => [])]);
  } catch (e) {
    replace(body, notice('error', e.status === 404 ? 'There is no such notice.' : 'Could not load the notice: ' + e.message));
    return;
  }
  main.querySelector('h1').textContent = 'Notice: ' + (CATEGORY[n.category] || n.category);
  const notifier = n.trusted ? 'a trusted flagger' : n.notifierId ? 'a signed-in user' : 'someone without an account';
  replace(body,
    h('div', { class: 'row' }, badges(n), h('span', { class: 'badge' }, n.state === 'OPEN' ? 'Open' : 'Decided')),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Received'), h('dd', {}, fmtTime(n.receivedAt)),
      h('dt', {}, 'Category'), h('dd', {}, CATEGORY[n.category] || n.category),
      h('dt', {}, 'From'), h('dd', {}, notifier, n.notifierName ? `: ${n.notifierName}` : '',
        n.notifierEmail ? ` <${n.notifierEmail}>` : ''),
      h('dt', {}, 'Explanation'), h('dd', { class: 'explanation' }, n.explanation)),
    h('h2', {}, 'Reported items'),
    h('ol', { class: 'mod-items' }, n.items.map((item, i) => itemView(item, evidence.find((e) => e.item === i)))),
    n.state === 'OPEN' ? decisionForm(n) : notice('info', 'This notice was decided (decision ' + n.decisionId + ').'));
}

function itemView(item, ev) {
  if (item.kind === 'user_profile') {
    return h('li', { class: 'panel' }, h('p', {}, 'Profile of ', h('strong', {}, '@' + item.userHandle)));
  }
  const space = h('a', { href: '#/space/' + encodeURIComponent(item.spaceId) }, 'space ' + item.spaceId);
  api('GET', '/spaces/' + encodeURIComponent(item.spaceId)).then((d) => {
    space.textContent = `“${d.space.title}” (${d.space.state})`;
  }).catch(() => {});
  if (item.kind === 'space_text') {
    return h('li', { class: 'panel' }, h('p', {}, 'Title or description of ', space));
  }
  const from = item.fromMs != null ? item.fromMs : ev && ev.keptFromMs;
  const to = item.toMs != null ? item.toMs : ev && ev.keptToMs;
  return h('li', { class: 'panel' },
    h('p', {}, 'Audio of ', space, item.speaker ? [', speaker ', h('strong', {}, '@' + item.speaker)] : '',
      item.fromMs != null ? `, ${range(item.fromMs, item.toMs)}` : ', no range given'
        + (ev ? ` (kept: what was on air before the notice, ${range(from, to)})` : '')),
    from != null && to != null ? player(item.spaceId, from, to) : h('p', { class: 'muted' }, 'No range to play; open the space for its replay.'),
    ev ? h('p', { class: 'help' }, EVIDENCE[ev.state] || ev.state) : null);
}

/** An <audio> element on the evidence endpoint (cookie auth); a failure is said in words. */
function player(spaceId, from, to) {
  const src = `/api/v1/moderation/spaces/${encodeURIComponent(spaceId)}/audio?fromMs=${from}&toMs=${to}`;
  const status = h('p', { class: 'help', role: 'status' });
  const audio = h('audio', { controls: true, preload: 'metadata', src, class: 'evidence',
    'aria-label': `Reported audio from ${fmtDuration(from)} to ${fmtDuration(to)}` });
  audio.addEventListener('error', async () => {
    let text = 'The audio could not be played.';
    try {
      const res = await fetch(src, { credentials: 'same-origin' });
      const body = await res.json();
      if (body && body.message) text = body.message;
    } catch {
      // keep the general message
    }
    status.textContent = text;
  });
  return h('div', { class: 'player' }, audio, status);
}

// ---------------------------------------------------------------- the decision form

function decisionForm(n) {
  const errors = h('div', { class: 'errors' });
  const field = (id, label, input, help) => h('div', { class: 'field' }, h('label', { for: id }, label), input,
    help ? h('p', { class: 'help', id: id + '-help' }, help) : null);
  const audioItem = n.items.find((i) => i.kind === 'space_audio') || {};
  const action = h('select', { id: 'd-action', required: true }, ACTIONS.map(([v, l]) => h('option', { value: v }, l)));
  const speaker = h('input', { id: 'd-speaker', value: audioItem.speaker || '', autocapitalize: 'none', spellcheck: 'false' });
  const label = h('input', { id: 'd-label', maxlength: '200' });
  const cutFrom = h('input', { id: 'd-from', inputmode: 'numeric', placeholder: 'm:ss',
    value: audioItem.fromMs != null ? fmtDuration(audioItem.fromMs) : '' });
  const cutTo = h('input', { id: 'd-to', inputmode: 'numeric', placeholder: 'm:ss',
    value: audioItem.toMs != null ? fmtDuration(audioItem.toMs) : '' });
  const days = h('input', { id: 'd-days', type: 'number', min: '1', max: '365', value: '7' });
  const extra = {
    speaker: field('d-speaker', 'Speaker (handle)', speaker),
    label: field('d-label', 'Label shown on the space', label),
    range: h('div', { class: 'field' }, field('d-from', 'Cut from (m:ss)', cutFrom), field('d-to', 'Cut to (m:ss)', cutTo)),
    suspend: field('d-days', 'Suspend for (days)', days),
  };
  const illegal = h('input', { type: 'radio', name: 'd-ground', id: 'd-illegal', value: 'illegal' });
  const terms = h('input', { type: 'radio', name: 'd-ground', id: 'd-terms', value: 'terms', checked: true });
  const legal = h('input', { id: 'd-legal', maxlength: '500', 'aria-describedby': 'd-legal-help' });
  const version = h('select', { id: 'd-version' });
  const clause = h('input', { id: 'd-clause', maxlength: '200' });
  const legalBox = field('d-legal', 'Legal ground', legal, 'The law and article, e.g. "Criminal code, art. 184".');
  const termsBox = h('div', { class: 'field' }, field('d-version', 'Version of the terms', version),
    field('d-clause', 'Clause', clause));
  const explanation = h('textarea', { id: 'd-explanation', rows: '4', required: true, maxlength: '4000',
    'aria-describedby': 'd-explanation-help' });
  const scope = h('input', { id: 'd-scope', value: 'EU', autocapitalize: 'characters', 'aria-describedby': 'd-scope-help' });
  const unfounded = h('input', { type: 'checkbox', id: 'd-unfounded' });
  const unfoundedBox = h('label', { class: 'check', for: 'd-unfounded' }, unfounded,
    ' The notice is manifestly unfounded (counts against its notifier, DSA Art 23(2))');
  const detection = h('input', { type: 'checkbox', id: 'd-detection' });
  const automated = h('select', { id: 'd-automated' }, h('option', { value: 'not_automated' }, 'Not automated'),
    h('option', { value: 'partially' }, 'Partially automated'), h('option', { value: 'fully' }, 'Fully automated'));
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Decide');
  api('GET', '/terms').then((t) => replace(version, t.versions.map((v) => h('option',
    { value: v.version, selected: v.version === t.current }, v.version))))
    .catch((e) => replace(errors, notice('error', 'Could not load the terms versions: ' + e.message)));

  const sync = () => {
    const needs = ACTIONS.find(([v]) => v === action.value)[2];
    for (const [k, box] of Object.entries(extra)) {
      box.hidden = !needs.includes(k);
      box.querySelectorAll('input').forEach((i) => { i.disabled = box.hidden; });
    }
    unfoundedBox.hidden = action.value !== 'no_action';
    legalBox.hidden = !illegal.checked;
    termsBox.hidden = !terms.checked;
  };
  action.onchange = illegal.onchange = terms.onchange = sync;

  const form = h('form', { class: 'form decision', novalidate: true, 'aria-labelledby': 'd-h' },
    h('h2', { id: 'd-h' }, 'Decision'), errors,
    field('d-action', 'Action', action), Object.values(extra), unfoundedBox,
    h('fieldset', {}, h('legend', {}, 'Ground'),
      h('div', { class: 'radio' }, illegal, h('label', { for: 'd-illegal' }, 'Illegal content')),
      h('div', { class: 'radio' }, terms, h('label', { for: 'd-terms' }, 'Incompatible with the terms of service'))),
    legalBox, termsBox,
    field('d-explanation', 'Explanation (the statement of reasons)', explanation,
      'What was found and why this action; 10 to 4,000 characters. The affected user reads it.'),
    field('d-scope', 'Territorial scope', scope, 'Country codes (GR, FR…), or EU / EEA, separated by commas.'),
    h('label', { class: 'check', for: 'd-detection' }, detection, ' Detected by automated means'),
    field('d-automated', 'Decision automation', automated),
    submit);
  sync();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    const body = { action: action.value, ground: illegal.checked ? 'illegal' : 'terms', explanation: explanation.value,
      territorialScope: scope.value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean),
      automatedDetection: detection.checked, automatedDecision: automated.value };
    if (illegal.checked) body.legalGround = legal.value;
    else Object.assign(body, { termsVersion: version.value, termsClause: clause.value });
    const needs = ACTIONS.find(([v]) => v === action.value)[2];
    if (needs.includes('speaker')) body.speaker = speaker.value.trim().replace(/^@/, '');
    if (needs.includes('label')) body.label = label.value.trim();
    if (needs.includes('suspend')) body.suspendDays = Number(days.value);
    if (action.value === 'no_action' && unfounded.checked) body.unfounded = true;
    if (needs.includes('range')) {
      body.fromMs = toMs(cutFrom.value);
      body.toMs = toMs(cutTo.value);
      if (Number.isNaN(body.fromMs) || Number.isNaN(body.toMs) || body.fromMs === null || body.toMs === null) {
        replace(errors, notice('error', 'Write the range to cut as minutes:seconds, e.g. 1:05.'));
        return;
      }
    }
    await act(submit, async () => {
      await api('POST', `/moderation/notices/${encodeURIComponent(n.id)}/decision`, body);
      toast('Decided. The statement of reasons is on its way.');
      go('#/moderation');
    }, errors);
  };
  return form;
}
