// The public notice form (DSA Art 16): anyone, signed in or not, reports what they heard in a space,
// where (speaker, minute:second range) and why; the answer is a receipt. API: POST /api/v1/notices.

import { api, h, notice, act, session } from './app.js';
import { followUpHash } from './notices.js';

export const CATEGORIES = [
  ['illegal_or_harmful_speech', 'Illegal or harmful speech (hate, incitement)'],
  ['violence', 'Violence or threats'],
  ['negative_effects_on_civic_discourse_or_elections', 'Manipulation of civic discourse or elections'],
  ['risk_for_public_security', 'Risk for public security (e.g. terrorism)'],
  ['protection_of_minors', 'Harm to minors'],
  ['child_sexual_abuse_material', 'Child sexual abuse material'],
  ['scams_and_fraud', 'Scams and fraud'],
  ['data_protection_and_privacy_violations', 'Privacy: personal data shared without consent'],
  ['intellectual_property_infringements', 'Copyright or other intellectual property'],
  ['other', 'Other illegal content'],
];

/** "1:05" or "65" → milliseconds; empty → null; anything else → NaN. */
function toMs(text) {
  const t = text.trim();
  if (!t) return null;
  const m = /^(?:(\d+):)?(\d+)$/.exec(t);
  return m ? ((Number(m[1] || 0) * 60) + Number(m[2])) * 1000 : NaN;
}

export function renderReport(main, spaceId) {
  const field = (id, label, input, help) => [h('label', { for: id }, label), input,
    help ? h('p', { class: 'help', id: id + '-help' }, help) : null];
  const errors = h('div', { class: 'errors' });
  const category = h('select', { id: 'r-category', required: true },
    CATEGORIES.map(([v, label]) => h('option', { value: v }, label)));
  const explanation = h('textarea', { id: 'r-explanation', required: true, rows: '5', maxlength: '10000',
    'aria-describedby': 'r-explanation-help' });
  const speaker = h('input', { id: 'r-speaker', autocapitalize: 'none', spellcheck: 'false' });
  const from = h('input', { id: 'r-from', inputmode: 'numeric', placeholder: 'm:ss' });
  const to = h('input', { id: 'r-to', inputmode: 'numeric', placeholder: 'm:ss' });
  const anonymous = !session.me;
  const name = anonymous ? h('input', { id: 'r-name', autocomplete: 'name' }) : null;
  const email = anonymous ? h('input', { id: 'r-email', type: 'email', autocomplete: 'email' }) : null;
  const goodFaith = h('input', { id: 'r-good-faith', type: 'checkbox', required: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Send the report');
  const form = h('form', { class: 'form', novalidate: true },
    errors,
    field('r-category', 'What is wrong', category),
    field('r-explanation', 'Why is it illegal?', explanation, 'Explain what was said and why you think it is illegal (at least 10 characters).'),
    field('r-speaker', 'Speaker (handle, optional)', speaker),
    field('r-from', 'From (minute:second into the space, optional)', from),
    field('r-to', 'To (optional)', to),
    anonymous ? field('r-name', 'Your name', name, 'Required unless you report child sexual abuse material.') : null,
    anonymous ? field('r-email', 'Your email', email) : null,
    h('label', { class: 'check', for: 'r-good-faith' }, goodFaith,
      ' I believe in good faith that this report is accurate and complete.'),
    submit);
  const done = h('div', { role: 'status', 'aria-live': 'polite' });
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errors.replaceChildren();
    const fromMs = toMs(from.value);
    const toMsValue = toMs(to.value);
    if (Number.isNaN(fromMs) || Number.isNaN(toMsValue)) {
      errors.replaceChildren(notice('error', 'Write times as minutes:seconds, e.g. 1:05.'));
      return;
    }
    const item = { kind: 'space_audio', spaceId };
    if (speaker.value.trim()) item.speaker = speaker.value.trim().replace(/^@/, '');
    if (fromMs !== null) item.fromMs = fromMs;
    if (toMsValue !== null) item.toMs = toMsValue;
    const body = { category: category.value, explanation: explanation.value, goodFaith: goodFaith.checked, items: [item] };
    if (anonymous) {
      body.name = name.value;
      body.email = email.value;
    }
    await act(submit, async () => {
      const receipt = await api('POST', '/notices', body);
      form.remove();
      const follow = new URL(followUpHash(receipt.followUp), location.href).href;
      done.replaceChildren(notice('ok', `We received your report (reference ${receipt.id}). ${receipt.message}`),
        h('p', {}, 'Follow-up link: ', h('a', { href: follow, class: 'follow-up' }, follow)),
        anonymous ? notice('info', 'You reported without an account: keep this link (bookmark it or copy it). It is the only '
          + 'way to see the decision and to appeal it.') : h('p', {}, 'You will also find it under ',
          h('a', { href: '#/notices' }, 'Your reports'), '.'),
        h('p', {}, h('a', { href: '#/space/' + encodeURIComponent(spaceId) }, 'Back to the space')));
      done.querySelector('.notice').tabIndex = -1;
      done.querySelector('.notice').focus();
    }, errors);
  };
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Report this space'),
    spaceId ? [form, done] : notice('error', 'Open the report form from a space (⚑ Report).')));
  category.focus();
}
