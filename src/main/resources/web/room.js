// The room (#/space/ID): a space's page in every state. Live: the stage with speaking indicators,
// the listener count, reactions, requests to speak, host controls, and the audio (audio.js).
// State comes from the space's events WebSocket (docs/PROTOCOL.md, "Live events"); the caller's
// own relation (`you`: invitation, request, block) from GET /api/v1/spaces/ID.

import { api, ApiError, h, replace, notice, toast, act, session, go, initials, fmtTime, fmtDuration, localInput,
  userListeners } from './app.js';
import { RoomAudio, Backoff, wsUrl, diag, listenerId, retryAfterMs } from './audio.js';

const REACTIONS = ['👏', '❤️', '😂', '🔥', '💯', '👍', '🙌', '😮', '😢', '🎉'];
const ROLE_NAMES = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker' };

export function renderRoom(main, id) {
  const room = new Room(main, id);
  room.load();
  return { cleanup: () => room.close() };
}

class Room {
  constructor(main, id) {
    this.main = main;
    this.id = id;
    this.closed = false;
    this.levels = {};
    this.view = null; // which page is shown: 'live', 'scheduled', 'ended', ...
    this.audioStatus = '';
    this.micError = null;
    this.needsGesture = false;
    this.onUserEvent = (m) => this.userEvent(m);
    userListeners.add(this.onUserEvent);
    main.append(h('h1', {}, 'Loading the space…'));
  }

  get me() {
    return session.me;
  }

  // ------------------------------------------------------------ loading and events

  async load() {
    try {
      this.detail = await api('GET', '/spaces/' + encodeURIComponent(this.id));
    } catch (e) {
      if (this.closed) return;
      replace(this.main, h('h1', {}, e.status === 404 ? 'Space not found' : 'Could not open the space'),
        notice('error', e.message),
        e.status === 404 ? h('p', {}, h('a', { href: '#/' }, 'See what is live')) : h('button', { type: 'button',
          class: 'button', onclick: () => this.load() }, 'Try again'));
      return;
    }
    if (this.closed) return;
    this.space = this.detail.space;
    this.stage = this.detail.stage;
    this.requests = this.detail.requests;
    this.listeners = this.space.listeners;
    if (this.detail.you && this.detail.you.blocked) return this.showRemoved();
    this.show();
    if (this.space.state === 'live' || this.space.state === 'scheduled') this.connectEvents();
  }

  /** Refreshes `you` (invitation, request) without disturbing the rest. */
  async refreshYou() {
    try {
      const d = await api('GET', '/spaces/' + encodeURIComponent(this.id));
      if (this.closed) return;
      this.detail = d;
      if (d.you && d.you.blocked) return this.showRemoved();
      this.renderInvite();
      this.renderControls();
    } catch {
      // the events stream will bring us up to date
    }
  }

  connectEvents() {
    const backoff = new Backoff();
    const connect = () => {
      if (this.closed || this.eventsStopped) return;
      diag.connections.events = 'connecting';
      const ws = new WebSocket(wsUrl(`/api/v1/spaces/${encodeURIComponent(this.id)}/events?listener=${listenerId()}`));
      this.ws = ws;
      ws.onopen = () => {
        diag.connections.events = 'open';
      };
      ws.onmessage = (ev) => {
        backoff.reset();
        this.event(JSON.parse(ev.data));
      };
      ws.onclose = async () => {
        if (this.closed || this.ws !== ws || this.eventsStopped) return;
        diag.connections.events = 'waiting';
        let wait = 0;
        try {
          const d = await api('GET', '/spaces/' + encodeURIComponent(this.id));
          if (d.you && d.you.blocked) return this.showRemoved();
          if (d.space.state !== this.space.state) this.event({ type: 'state', change: d.space.state, space: d.space });
        } catch (e) {
          if (e instanceof ApiError) wait = retryAfterMs(e.retryAfter);
        }
        this.eventsTimer = setTimeout(connect, backoff.next(wait));
      };
    };
    connect();
  }

  stopEvents() {
    this.eventsStopped = true;
    clearTimeout(this.eventsTimer);
    if (this.ws) this.ws.close(1000);
    diag.connections.events = 'closed';
  }

  event(m) {
    if (this.closed) return;
    switch (m.type) {
      case 'snapshot':
        this.stage = m.stage;
        this.requests = m.requests;
        this.listeners = m.listeners;
        if (m.space.state !== this.space.state) return this.stateChanged(m.space);
        this.space = m.space;
        this.renderAll();
        break;
      case 'state':
        this.stateChanged(m.space, m.change);
        break;
      case 'stage': {
        const wasOnStage = !!this.mine();
        this.stage = m.stage;
        this.renderStage();
        this.renderControls();
        this.renderRunner();
        this.syncAudio();
        const mine = this.mine();
        if (mine && !wasOnStage) toast('You are on stage. Your microphone is live.');
        if (!mine && wasOnStage && m.user && this.me && m.user.id === this.me.id) {
          toast(m.change === 'removed' ? 'You were removed from the stage.' : 'You are back in the audience.');
        }
        break;
      }
      case 'requests':
        this.requests = m.queue;
        this.renderControls();
        this.renderRunner();
        if (m.change === 'denied' && this.me && m.user.id === this.me.id) toast('Your request to speak was declined.');
        break;
      case 'invite':
        if (this.me && m.user.id === this.me.id) this.refreshYou();
        break;
      case 'removed':
        if (this.me && m.user.id === this.me.id) this.showRemoved();
        break;
      case 'audience':
        this.listeners = m.listeners;
        this.renderCount();
        break;
      case 'reactions':
        this.floatReactions(m.counts);
        break;
      case 'levels':
        this.levels = m.levels;
        this.applyLevels();
        break;
      default:
        break;
    }
  }

  userEvent(m) {
    if (m.type === 'removed' && m.spaceId === this.id) this.showRemoved();
    if (m.type === 'notification' && m.notification.spaceId === this.id && m.notification.kind === 'stage_invite') {
      this.refreshYou();
    }
  }

  stateChanged(space, change) {
    const before = this.space.state;
    this.space = space;
    if (space.state === before && change === 'edited') return this.renderHead();
    if (space.state === 'scheduled') {
      return this.show(); // rescheduled: new time
    }
    if (space.state === 'live') {
      if (before !== 'live') toast(`"${space.title}" is live now.`);
      return this.show();
    }
    // ended or cancelled
    this.stopEvents();
    if (this.audio) this.audio.stopMedia();
    this.show();
  }

  mine() {
    return this.me && this.stage ? this.stage.find((m) => m.user.id === this.me.id) : null;
  }

  runner() {
    const m = this.mine();
    return m && (m.role === 'host' || m.role === 'cohost') ? m : null;
  }

  // ------------------------------------------------------------ pages by state

  show() {
    if (this.closed) return;
    const st = this.space.state;
    if (st !== 'live' && this.audio) {
      this.audio.close();
      this.audio = null;
    }
    if (st === 'live') this.showLive();
    else if (st === 'scheduled') this.showScheduled();
    else if (st === 'ended') this.showEnded();
    else this.showCancelled();
  }

  header(badge) {
    const s = this.space;
    this.countEl = h('span', { class: 'count', role: 'status', 'aria-live': 'polite' });
    this.headEl = h('header', { class: 'room-head' },
      h('div', { class: 'room-badges' }, badge, this.countEl),
      h('h1', {}, s.title),
      s.description ? h('p', { class: 'desc' }, s.description) : null,
      h('div', { class: 'meta' }, h('span', { class: 'host' }, 'Hosted by ', h('strong', {}, s.host.displayName),
        h('span', { class: 'muted' }, ' @' + s.host.handle)),
      h('button', { type: 'button', class: 'button small', 'data-key': 'share', onclick: (e) => this.share(e) },
        '🔗 Share'),
      h('a', { class: 'button small', href: '#/report?space=' + encodeURIComponent(s.id) }, '⚑ Report')));
    this.renderCount();
    return this.headEl;
  }

  renderHead() {
    if (this.headEl) this.show();
  }

  renderCount() {
    if (!this.countEl) return;
    this.countEl.textContent = this.space.state === 'live' ? `🎧 ${this.listeners} listening` : '';
  }

  async share(ev) {
    const url = location.origin + '/#/space/' + this.id;
    try {
      await navigator.clipboard.writeText(url);
      toast('Link copied: ' + url);
    } catch {
      const input = h('input', { value: url, readonly: true, 'aria-label': 'Link to this space', class: 'share-url' });
      ev.currentTarget.after(input);
      input.select();
      toast('Copy the link from the box.');
    }
  }

  showScheduled() {
    this.view = 'scheduled';
    const s = this.space;
    const you = this.detail.you;
    const isHost = this.me && s.host.id === this.me.id;
    const errors = h('div', { class: 'errors' });
    const parts = [this.header(h('span', { class: 'badge' }, '🗓 Scheduled')),
      notice('info', `Starts ${fmtTime(s.scheduledStart)}. Stay on this page: it goes live by itself when the host starts.`),
      errors];
    if (isHost) {
      const at = h('input', { type: 'datetime-local', id: 'r-at', value: localInput(new Date(s.scheduledStart)) });
      const save = h('button', { type: 'submit', class: 'button' }, 'Reschedule');
      const form = h('form', { class: 'inline-form', 'aria-label': 'Reschedule' },
        h('label', { for: 'r-at' }, 'New start'), at, save);
      form.onsubmit = (e) => {
        e.preventDefault();
        const when = new Date(at.value);
        if (Number.isNaN(when.getTime())) return replace(errors, notice('error', 'Pick a date and time.'));
        act(save, async () => {
          this.space = await api('POST', `/spaces/${this.id}/reschedule`, { scheduledStart: when.toISOString() });
          toast('Rescheduled; followers are notified.');
          this.show();
        }, errors);
      };
      parts.push(h('section', { class: 'panel', 'aria-label': 'Host controls' },
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'button primary', 'data-key': 'start', onclick: (e) => act(e.currentTarget,
            async () => {
              this.space = await api('POST', `/spaces/${this.id}/start`);
              this.show();
            }, errors) }, '▶ Start now'),
          confirmButton('Cancel space', 'Yes, cancel it', async () => {
            this.space = await api('POST', `/spaces/${this.id}/cancel`);
            this.show();
          }, errors)),
        form));
    } else if (this.me) {
      const following = you && you.following;
      parts.push(h('button', { type: 'button', class: 'button', 'aria-pressed': String(!!following), onclick: (e) =>
        act(e.currentTarget, async () => {
          await api(following ? 'DELETE' : 'POST', `/spaces/${this.id}/follow`);
          this.detail.you.following = !following;
          toast(following ? 'Reminder removed.' : 'You will be notified when it starts.');
          this.show();
        }, errors) }, following ? '✓ Reminder set' : '🔔 Remind me'));
    } else {
      parts.push(h('p', {}, h('a', { href: '#/login?next=' + encodeURIComponent('/space/' + this.id) }, 'Log in'),
        ' to be reminded when it starts.'));
    }
    replace(this.main, h('article', { class: 'room' }, parts));
  }

  showEnded() {
    this.view = 'ended';
    const s = this.space;
    const isHost = this.me && s.host.id === this.me.id;
    const replayBox = h('div', { class: 'replay' });
    replace(this.main, h('article', { class: 'room' }, this.header(h('span', { class: 'badge' }, 'Ended')),
      notice('info', 'This space has ended.' + (s.endedAt ? ` It ended ${fmtTime(s.endedAt)}.` : '')),
      replayBox, h('p', {}, h('a', { href: '#/' }, 'See what else is live'))));
    const fill = (space, tries) => {
      if (this.closed || this.view !== 'ended') return;
      const r = space.replay;
      if (r && (r.published || isHost)) {
        replace(replayBox, h('h2', {}, 'Replay'),
          h('audio', { controls: true, preload: 'metadata', src: r.url, 'aria-label': 'Replay of ' + s.title }),
          h('p', { class: 'muted' }, fmtDuration(r.durationMillis)),
          !r.published && isHost ? [notice('info', 'Only you can hear this replay until you publish it. '),
            h('button', { type: 'button', class: 'button', onclick: (e) => act(e.currentTarget, async () => {
              await api('POST', `/spaces/${this.id}/replay/publish`);
              toast('The replay is public now.');
              fill({ ...space, replay: { ...r, published: true } }, 0);
            }) }, 'Publish the replay')] : null);
      } else if (r) {
        replace(replayBox, notice('info', 'The host has not published the replay yet.'));
      } else if (tries > 0) {
        replace(replayBox, h('p', { class: 'muted', role: 'status' }, 'The replay is being prepared…'));
        this.replayTimer = setTimeout(() => api('GET', '/spaces/' + this.id)
          .then((d) => fill(d.space, tries - 1)).catch(() => fill(space, tries - 1)), 2000);
      } else {
        replace(replayBox, h('p', { class: 'muted' }, 'There is no replay of this space.'));
      }
    };
    fill(s, 10);
  }

  showCancelled() {
    this.view = 'cancelled';
    replace(this.main, h('article', { class: 'room' }, this.header(h('span', { class: 'badge' }, 'Cancelled')),
      notice('info', 'This space was cancelled by its host.'), h('p', {}, h('a', { href: '#/' }, 'See what is live'))));
  }

  showRemoved() {
    this.view = 'removed';
    this.stopEvents();
    if (this.audio) this.audio.close();
    this.audio = null;
    replace(this.main, h('article', { class: 'room' }, h('h1', {}, this.space ? this.space.title : 'Removed'),
      notice('error', 'You were removed from this space by its hosts and cannot rejoin it.'),
      h('p', {}, h('a', { href: '#/' }, 'Go to the home page'))));
  }

  // ------------------------------------------------------------ the live room

  showLive() {
    const first = this.view !== 'live';
    this.view = 'live';
    if (!first) return this.renderAll();
    this.inviteEl = h('div', { class: 'invite-box' });
    this.noticeEl = h('div', { class: 'room-notices' });
    this.stageEl = h('ul', { class: 'stage-grid', 'aria-label': 'On stage' });
    this.controlsEl = h('div', { class: 'controls' });
    this.statusEl = h('p', { class: 'audio-status', role: 'status', 'aria-live': 'polite' });
    this.runnerEl = h('section', { class: 'panel runner', 'aria-label': 'Host controls' });
    this.floatEl = h('div', { class: 'floats', 'aria-hidden': 'true' });
    this.inviteForm = this.buildInviteForm();
    const reactions = h('div', { class: 'reactions', role: 'group', 'aria-label': 'Send a reaction' },
      REACTIONS.map((e) => h('button', { type: 'button', class: 'reaction', 'data-key': 'r' + e,
        'aria-label': 'React with ' + e, onclick: (ev) => this.react(e, ev.currentTarget) }, e)));
    replace(this.main, h('article', { class: 'room live' },
      this.header(h('span', { class: 'badge live' }, h('span', { class: 'dot live' }), 'LIVE')),
      this.inviteEl, this.noticeEl,
      h('section', { class: 'stage', 'aria-labelledby': 'stage-h' }, h('h2', { id: 'stage-h' }, 'On stage'), this.stageEl),
      h('section', { class: 'you', 'aria-label': 'Your controls' }, this.controlsEl, this.statusEl),
      h('section', { class: 'react-bar', 'aria-label': 'Reactions' }, reactions),
      this.runnerEl, this.floatEl));
    this.audio = new RoomAudio(this.id, {
      join: (body) => api('POST', `/spaces/${this.id}/join`, body),
      replayLater: (r) => {
        this.replayLater = r;
        this.renderNotices();
      },
      status: (t) => {
        this.audioStatus = t;
        if (!this.statusEl) return;
        this.statusEl.textContent = t;
        this.statusEl.classList.toggle('on-air', t === 'You are on air');
      },
      ended: (d) => {
        if (d && d.you && d.you.blocked) return this.showRemoved();
        if (d) this.stateChanged(d.space, d.space.state);
        else this.load();
      },
      removed: () => this.showRemoved(),
      offStage: () => this.refreshYou(),
      micError: (e) => {
        this.micError = e;
        this.renderNotices();
      },
      needsGesture: (on) => {
        this.needsGesture = on;
        this.renderNotices();
      },
    });
    this.renderAll();
  }

  renderAll() {
    if (this.view !== 'live') return;
    this.renderCount();
    this.renderInvite();
    this.renderNotices();
    this.renderStage();
    this.renderControls();
    this.renderRunner();
    this.syncAudio();
  }

  syncAudio() {
    if (!this.audio || this.space.state !== 'live') return;
    const mine = this.mine();
    if (mine) {
      this.audio.speak();
      this.audio.setMuted(mine.muted);
    } else {
      this.micError = null;
      this.audio.listen();
    }
  }

  renderNotices() {
    if (!this.noticeEl) return;
    const items = [];
    if (this.replayLater) {
      items.push(notice('info', this.replayLater.message + (this.replayLater.notified
        ? ' We will notify you when the replay is published.' : ' Come back to this page when the space has ended.')));
    }
    if (this.needsGesture) {
      items.push(notice('info', 'Your browser is waiting for a click before it plays sound. ',
        h('button', { type: 'button', class: 'button primary', 'data-key': 'gesture', onclick: () => this.audio.resume() },
          '▶ Start listening')));
    }
    if (this.micError && this.mine()) {
      items.push(notice('error', this.micError.message + ' ',
        h('button', { type: 'button', class: 'button', 'data-key': 'mic-retry', onclick: () => this.audio.startMic() },
          'Try the microphone again')));
    }
    replace(this.noticeEl, items);
  }

  renderInvite() {
    if (!this.inviteEl) return;
    const you = this.detail && this.detail.you;
    if (!you || !you.invitedAs || this.mine()) return replace(this.inviteEl);
    const errors = h('div', { class: 'errors' });
    replace(this.inviteEl, h('div', { class: 'notice invite', role: 'alertdialog', 'aria-labelledby': 'inv-t' },
      h('p', { id: 'inv-t' }, h('strong', {}, `You are invited to the stage as ${ROLE_NAMES[you.invitedAs].toLowerCase()}.`),
        ' Your microphone turns on when you accept.'),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'button primary', 'data-key': 'inv-accept', onclick: (e) => act(e.currentTarget,
          async () => {
            await api('POST', `/spaces/${this.id}/invites/accept`);
            this.detail.you.invitedAs = null;
            this.renderInvite();
          }, errors) }, 'Accept'),
        h('button', { type: 'button', class: 'button', 'data-key': 'inv-decline', onclick: (e) => act(e.currentTarget,
          async () => {
            await api('POST', `/spaces/${this.id}/invites/decline`);
            this.detail.you.invitedAs = null;
            this.renderInvite();
          }, errors) }, 'Decline')), errors));
    const first = this.inviteEl.querySelector('button');
    if (first && !this.inviteEl.contains(document.activeElement)) first.focus();
  }

  renderStage() {
    if (!this.stageEl) return;
    const runner = this.runner();
    replace(this.stageEl, this.stage.map((m) => {
      const me = this.me && m.user.id === this.me.id;
      const canAct = runner && !me && (runner.role === 'host' || m.role === 'speaker');
      const mic = m.muted ? (m.mutedByHost ? '🔇 muted by host' : '🔇 muted') : '🎙 mic on';
      return h('li', { class: 'member' + (m.muted ? ' muted' : ''), dataset: { handle: m.user.handle },
        'aria-label': `${m.user.displayName}${me ? ' (you)' : ''}, ${ROLE_NAMES[m.role]}, ${m.muted ? 'muted' : 'microphone on'}` },
      h('span', { class: 'avatar' }, initials(m.user.displayName), h('span', { class: 'ring' })),
      h('span', { class: 'name' }, m.user.displayName, me ? ' (you)' : ''),
      h('span', { class: 'handle muted' }, '@' + m.user.handle),
      h('span', { class: 'role role-' + m.role }, ROLE_NAMES[m.role]),
      h('span', { class: 'mic', 'aria-hidden': 'true' }, mic),
      canAct ? h('div', { class: 'member-actions', role: 'group', 'aria-label': 'Manage ' + m.user.displayName },
        m.mutedByHost
          ? this.stageAction('unmute', m, 'Lift mute', `Lift the mute of ${m.user.displayName}`)
          : this.stageAction('mute', m, 'Mute', `Mute ${m.user.displayName}`),
        this.stageAction('audience', m, 'To audience', `Move ${m.user.displayName} to the audience`),
        confirmButton('Remove', 'Confirm remove', () => api('POST', `/spaces/${this.id}/blocks`, { handle: m.user.handle }),
          null, `Remove ${m.user.displayName} from the space`, 'rm-' + m.user.handle)) : null);
    }));
    this.applyLevels();
  }

  stageAction(what, m, label, aria) {
    return h('button', { type: 'button', class: 'button small', 'data-key': what + '-' + m.user.handle, 'aria-label': aria,
      onclick: (e) => act(e.currentTarget, () => api('POST', `/spaces/${this.id}/stage/${encodeURIComponent(m.user.handle)}/${what}`)) },
    label);
  }

  applyLevels() {
    if (!this.stageEl) return;
    for (const li of this.stageEl.querySelectorAll('.member')) {
      const level = this.levels[li.dataset.handle] || 0;
      li.classList.toggle('speaking', level > 0.02);
      li.style.setProperty('--level', Math.min(1, level * 3).toFixed(3));
    }
  }

  renderControls() {
    if (!this.controlsEl || this.view !== 'live') return;
    const mine = this.mine();
    const items = [];
    if (!this.me) {
      items.push(h('p', {}, 'You are listening. ', h('a', { href: '#/login?next=' + encodeURIComponent('/space/' + this.id) },
        'Log in'), ' or ', h('a', { href: '#/signup?next=' + encodeURIComponent('/space/' + this.id) }, 'sign up'),
      ' to react or ask to speak.'));
    } else if (mine) {
      if (mine.mutedByHost) {
        items.push(h('button', { type: 'button', class: 'button', disabled: true, 'data-key': 'self-mute' }, '🔇 Muted by a host'));
      } else {
        items.push(h('button', { type: 'button', class: 'button' + (mine.muted ? ' primary' : ''), 'data-key': 'self-mute',
          'aria-pressed': String(mine.muted), onclick: (e) => act(e.currentTarget,
            () => api('POST', `/spaces/${this.id}/stage/${encodeURIComponent(this.me.handle)}/${mine.muted ? 'unmute' : 'mute'}`)) },
        mine.muted ? '🎙 Unmute' : '🔇 Mute'));
      }
      if (mine.role !== 'host') {
        items.push(h('button', { type: 'button', class: 'button', 'data-key': 'leave-stage', onclick: (e) => act(e.currentTarget,
          () => api('POST', `/spaces/${this.id}/stage/${encodeURIComponent(this.me.handle)}/audience`)) }, 'Leave the stage'));
      }
    } else {
      const requested = this.requests.some((r) => r.user.id === this.me.id);
      items.push(requested
        ? h('button', { type: 'button', class: 'button', 'data-key': 'request', onclick: (e) => act(e.currentTarget,
          () => api('DELETE', `/spaces/${this.id}/requests`)) }, '✋ Request sent — withdraw')
        : h('button', { type: 'button', class: 'button primary', 'data-key': 'request', onclick: (e) => act(e.currentTarget,
          async () => {
            await api('POST', `/spaces/${this.id}/requests`);
            toast('Request sent. The hosts will see it.');
          }) }, '✋ Request to speak'));
    }
    replace(this.controlsEl, items);
    this.renderNotices();
  }

  buildInviteForm() {
    const handle = h('input', { id: 'inv-handle', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
      placeholder: 'handle', required: true });
    const role = h('select', { id: 'inv-role', 'aria-label': 'Role' }, h('option', { value: 'speaker' }, 'as speaker'),
      h('option', { value: 'cohost' }, 'as co-host'));
    const submit = h('button', { type: 'submit', class: 'button' }, 'Invite');
    const errors = h('div', { class: 'errors' });
    const form = h('form', { class: 'inline-form', 'aria-label': 'Invite someone to the stage' },
      h('label', { for: 'inv-handle' }, 'Invite to the stage'), handle, role, submit, errors);
    form.onsubmit = (e) => {
      e.preventDefault();
      errors.replaceChildren();
      const who = handle.value.trim().replace(/^@/, '');
      if (!who) return replace(errors, notice('error', 'Type the handle of the person to invite.'));
      act(submit, async () => {
        await api('POST', `/spaces/${this.id}/invites`, { handle: who, role: role.value });
        toast(`Invited @${who}.`);
        handle.value = '';
      }, errors);
    };
    form.roleSelect = role;
    return form;
  }

  renderRunner() {
    if (!this.runnerEl || this.view !== 'live') return;
    const runner = this.runner();
    if (!runner) {
      this.runnerEl.hidden = true;
      return replace(this.runnerEl);
    }
    this.runnerEl.hidden = false;
    this.inviteForm.roleSelect.querySelector('[value=cohost]').disabled = runner.role !== 'host';
    const queue = this.requests.length
      ? h('ul', { class: 'queue' }, this.requests.map((r) => h('li', {},
        h('span', { class: 'avatar small', 'aria-hidden': 'true' }, initials(r.user.displayName)),
        h('span', { class: 'name' }, r.user.displayName, h('span', { class: 'muted' }, ' @' + r.user.handle)),
        h('button', { type: 'button', class: 'button small primary', 'data-key': 'acc-' + r.user.handle,
          'aria-label': `Accept ${r.user.displayName}'s request to speak`, onclick: (e) => act(e.currentTarget,
            () => api('POST', `/spaces/${this.id}/requests/${encodeURIComponent(r.user.handle)}/accept`)) }, 'Accept'),
        h('button', { type: 'button', class: 'button small', 'data-key': 'deny-' + r.user.handle,
          'aria-label': `Deny ${r.user.displayName}'s request to speak`, onclick: (e) => act(e.currentTarget,
            () => api('POST', `/spaces/${this.id}/requests/${encodeURIComponent(r.user.handle)}/deny`)) }, 'Deny'))))
      : h('p', { class: 'muted' }, 'No requests right now.');
    const errors = h('div', { class: 'errors' });
    replace(this.runnerEl,
      h('h2', { id: 'req-h' }, `Requests to speak (${this.requests.length})`), queue,
      this.inviteForm,
      runner.role === 'host' ? h('div', { class: 'row end-row' }, confirmButton('End space', 'Yes, end it for everyone',
        async () => {
          const s = await api('POST', `/spaces/${this.id}/end`);
          this.stateChanged(s, 'ended');
        }, errors, 'End the space for everyone', 'end'), errors) : null);
  }

  async react(emoji, button) {
    if (!this.me) {
      toast('Log in to send reactions.');
      return go('#/login?next=' + encodeURIComponent('/space/' + this.id));
    }
    await act(button, () => api('POST', `/spaces/${this.id}/reactions`, { emoji }));
  }

  floatReactions(counts) {
    if (!this.floatEl) return;
    for (const [emoji, n] of Object.entries(counts)) {
      for (let i = 0; i < Math.min(n, 8); i++) {
        const f = h('span', { class: 'float' }, emoji);
        f.style.left = (10 + Math.random() * 80) + '%';
        f.style.animationDelay = (i * 120 + Math.random() * 200) + 'ms';
        f.addEventListener('animationend', () => f.remove());
        this.floatEl.append(f);
      }
      if (n > 8) {
        const f = h('span', { class: 'float big' }, `${emoji}×${n}`);
        f.style.left = (20 + Math.random() * 60) + '%';
        f.addEventListener('animationend', () => f.remove());
        this.floatEl.append(f);
      }
    }
  }

  close() {
    this.closed = true;
    userListeners.delete(this.onUserEvent);
    clearTimeout(this.replayTimer);
    this.stopEvents();
    if (this.audio) this.audio.close();
    this.audio = null;
    if (this.me && this.space && this.space.state === 'live' && !this.mine()) {
      fetch(`/api/v1/spaces/${this.id}/leave`, { method: 'POST', keepalive: true, credentials: 'same-origin' }).catch(() => {});
    }
  }
}

/** A button that asks once more before doing something that cannot be undone (no window.confirm). */
function confirmButton(label, confirmLabel, action, errors, aria, key) {
  const b = h('button', { type: 'button', class: 'button danger', 'aria-label': aria || label, 'data-key': key || label });
  b.textContent = label;
  let armed = false;
  let timer;
  b.onclick = () => {
    if (!armed) {
      armed = true;
      b.textContent = confirmLabel;
      b.setAttribute('aria-label', confirmLabel);
      b.classList.add('armed');
      timer = setTimeout(() => {
        armed = false;
        b.textContent = label;
        b.setAttribute('aria-label', aria || label);
        b.classList.remove('armed');
      }, 5000);
      return;
    }
    clearTimeout(timer);
    act(b, action, errors);
  };
  return b;
}

window.addEventListener('pagehide', () => {
  // Leaving the page: the router's cleanup does not run, so say goodbye here.
  const m = location.hash.match(/^#\/space\/([^/?]+)/);
  if (m && session.me) {
    fetch(`/api/v1/spaces/${m[1]}/leave`, { method: 'POST', keepalive: true, credentials: 'same-origin' }).catch(() => {});
  }
});
