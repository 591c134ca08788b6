// The live audio of a room: listening to the mix, and speaking (microphone → Opus → server) while
// hearing the other speakers. Wire format: docs/PROTOCOL.md, "Media".
//
// Diagnostics, for people debugging and for the end-to-end tests, on window.stentor:
//   mode                      'off' | 'listen' | 'speak' | 'fallback' (the <audio> Ogg stream) | 'hls'
//   hls                       null, or the HLS tier's player: {via: 'hls.js' | 'native', url, errors: [...]}
//   rejoins                   joins again at the origin after an edge's connection dropped
//   connections               {listen, speak, events, user}: 'connecting' | 'open' | 'waiting' | 'closed'
//   framesReceived/Decoded    media messages received / PCM frames decoded (all sources)
//   framesEncoded/Sent        microphone frames encoded / sent to the server
//   sources                   the worklet's jitter buffers: {id: {bufferedMs, playing, underruns, dropped}}
//   micError                  null, or why the microphone is not available
//   lastClose                 {socket, code, reason} of the last media socket that closed
//   closeCodes                every close code seen by media sockets, oldest first (the last 20)
//   admission                 the last answer to POST /join: {state, position, tier} or {state: 'refused', error}
//   lastDelayMs               arrival time − capture time of the last media message (clocks of one machine)
//   mouthToEarMs()            lastDelayMs + the most audio buffered in the worklet + the output latency
//   analyser                  the AnalyserNode on the playback path (null before audio starts)
//   dominantFrequency()       Hz of the strongest 50–4000 Hz component being played, or null
//   bandEnergy(lo, hi)        share (0..1) of the played power between lo and hi Hz (50–4000 Hz)
//   rms()                     level of what is being played, 0..1

export const diag = {
  mode: 'off',
  connections: {},
  framesReceived: 0,
  framesDecoded: 0,
  framesEncoded: 0,
  framesSent: 0,
  sources: {},
  micError: null,
  lastClose: null,
  closeCodes: [],
  admission: null,
  hls: null,
  rejoins: 0,
  lastDelayMs: null,
  analyser: null,
  mouthToEarMs() {
    if (diag.lastDelayMs === null) return null;
    const buffered = Math.max(0, ...Object.values(diag.sources).map((s) => s.bufferedMs));
    const ctx = diag.analyser && diag.analyser.context;
    const out = ctx ? ((ctx.baseLatency || 0) + (ctx.outputLatency || 0)) * 1000 : 0;
    return Math.round(diag.lastDelayMs + buffered + out);
  },
  dominantFrequency() {
    const s = spectrum();
    if (!s) return null;
    let best = -1;
    let bestPower = 0;
    for (let i = s.lo; i <= s.hi; i++) {
      if (s.power[i] > bestPower) {
        bestPower = s.power[i];
        best = i;
      }
    }
    return best < 0 || bestPower < 1e-12 ? null : best * s.binHz;
  },
  bandEnergy(lo, hi) {
    const s = spectrum();
    if (!s) return 0;
    let band = 0;
    let all = 0;
    for (let i = s.lo; i <= s.hi; i++) {
      all += s.power[i];
      const f = i * s.binHz;
      if (f >= lo && f <= hi) band += s.power[i];
    }
    return all > 0 ? band / all : 0;
  },
  rms() {
    const a = diag.analyser;
    if (!a) return 0;
    const t = new Float32Array(a.fftSize);
    a.getFloatTimeDomainData(t);
    let e = 0;
    for (const v of t) e += v * v;
    return Math.sqrt(e / t.length);
  },
};
window.stentor = diag;

function spectrum() {
  const a = diag.analyser;
  if (!a) return null;
  const db = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(db);
  const binHz = a.context.sampleRate / a.fftSize;
  const power = db.map((d) => (Number.isFinite(d) ? 10 ** (d / 10) : 0));
  return { power, binHz, lo: Math.ceil(50 / binHz), hi: Math.floor(4000 / binHz) };
}

const RATE = 48000;
const FRAME = 960; // 20 ms at 48 kHz
const HEADER = 16;

/** True for an absolute http(s):// URL: the join answer named another node (docs/PROTOCOL.md "Joining"). */
const elsewhere = (url) => /^https?:\/\//i.test(url || '');

/**
 * The WebSocket URL for a path on this server, or for an absolute http(s):// URL of another node
 * (an edge named by the join answer): http → ws, https → wss.
 */
export function wsUrl(path) {
  if (elsewhere(path)) return path.replace(/^http/i, 'ws');
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

/** The tier asked for with ?listen= in the page's address (websocket | hls | ogg), for diagnostics and tests. */
function forcedTier() {
  const t = new URLSearchParams(location.search).get('listen');
  return ['websocket', 'hls', 'ogg'].includes(t) ? t : null;
}

const mseAvailable = () => 'MediaSource' in window || 'ManagedMediaSource' in window;

/**
 * A random id for this tab, sent as ?listener= on the space's events and listen sockets so that an
 * anonymous listener counts once in the listener count, not once per socket.
 */
export function listenerId() {
  let id = sessionStorage.getItem('stentor.listener');
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16).padStart(2, '0')).join('');
    sessionStorage.setItem('stentor.listener', id);
  }
  return id;
}

const wallMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Exponential backoff with jitter: a server restart must not bring every client back at once. */
export class Backoff {
  constructor(baseMs = 1000, maxMs = 30000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.attempt = 0;
  }

  /** The next delay: random in [cap/2, cap], cap doubling per attempt; at least minMs (e.g. Retry-After). */
  next(minMs = 0) {
    const cap = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    const d = cap / 2 + Math.random() * (cap / 2);
    return Math.max(d, minMs > 0 ? minMs + Math.random() * 1000 : 0);
  }

  /**
   * After another node (an edge) dropped us: join again after a random 100–500 ms, as the protocol
   * says — the origin may still name the dead edge until it notices, so a few quick tries — then
   * back off as usual.
   */
  afterNodeLoss() {
    this.lost = (this.lost || 0) + 1;
    return this.lost <= 8 ? 100 + Math.random() * 400 : this.next();
  }

  reset() {
    this.attempt = 0;
    this.lost = 0;
  }
}


/** Seconds from a Retry-After header value (seconds or an HTTP date), 0 when absent. */
export function retryAfterMs(value) {
  if (!value) return 0;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : 0;
}

export const webCodecsPlayback = () => 'AudioDecoder' in window && 'AudioWorkletNode' in window;
export const webCodecsCapture = () => 'AudioEncoder' in window && 'AudioWorkletNode' in window;

/** The playback path: one AudioContext at 48 kHz, the player worklet (jitter buffers, mixing), an analyser. */
class Player {
  static async create() {
    const ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
    await ctx.audioWorklet.addModule('/web/player-worklet.js');
    return new Player(ctx);
  }

  constructor(ctx) {
    this.ctx = ctx;
    this.node = new AudioWorkletNode(ctx, 'stentor-player', { numberOfInputs: 0, numberOfOutputs: 1,
      outputChannelCount: [1] });
    this.node.port.postMessage({ type: 'config', startMs: 80, maxMs: 250, targetMs: 100 });
    this.node.port.onmessage = (e) => {
      if (e.data.type === 'stats') diag.sources = e.data.sources;
    };
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 8192;
    this.analyser.smoothingTimeConstant = 0.5;
    this.node.connect(this.analyser).connect(ctx.destination);
    diag.analyser = this.analyser;
  }

  push(source, pcm) {
    this.node.port.postMessage({ type: 'pcm', source, pcm }, [pcm.buffer]);
  }

  drop(source) {
    this.node.port.postMessage({ type: 'drop', source });
  }

  get suspended() {
    return this.ctx.state === 'suspended';
  }

  close() {
    diag.analyser = null;
    this.ctx.close().catch(() => {});
  }
}

/** One source's decoder: Opus packets in sequence order → PCM into the player. */
class SourceDecoder {
  constructor(player, source, onError) {
    this.player = player;
    this.source = source;
    this.lastSeq = null;
    this.decoder = new AudioDecoder({
      output: (data) => {
        const pcm = new Float32Array(data.numberOfFrames);
        data.copyTo(pcm, { planeIndex: 0, format: 'f32-planar' });
        data.close();
        diag.framesDecoded++;
        this.player.push(this.source, pcm);
      },
      error: (e) => onError(e),
    });
    this.decoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 1 });
  }

  feed(seq, opus) {
    if (this.lastSeq !== null) {
      const ahead = (seq - this.lastSeq) >>> 0;
      if (ahead === 0 || ahead > 0x7fffffff) return; // a repeat or older: already played past it
    }
    this.lastSeq = seq;
    if (this.decoder.state !== 'configured') return;
    if (this.decoder.decodeQueueSize > 25) return; // the decoder is far behind: skip rather than lag
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: seq * 20000, duration: 20000, data: opus }));
  }

  close() {
    if (this.decoder.state !== 'closed') this.decoder.close();
    this.player.drop(this.source);
  }
}

/** Parses one media message; null when malformed. */
function parseMedia(buf) {
  if (buf.byteLength <= HEADER) return null;
  const v = new DataView(buf);
  if (v.getUint8(0) !== 1) return null;
  return { source: v.getUint8(1), seq: v.getUint32(4), capture: Number(v.getBigInt64(8)),
    opus: new Uint8Array(buf, HEADER) };
}

/** Why the microphone cannot be used, in words for people. */
export class MicError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function micError(e) {
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicError('denied', 'Microphone access was denied. Allow the microphone for this site in your '
        + 'browser (the icon in the address bar), then press "Try the microphone again".');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicError('missing', 'No microphone was found. Plug one in, then press "Try the microphone again".');
    case 'NotReadableError':
    case 'AbortError':
      return new MicError('busy', 'The microphone could not be opened (another app may be using it).');
    default:
      return new MicError('error', 'The microphone could not be started: ' + (e && e.message ? e.message : e));
  }
}

/** Microphone → 48 kHz mono AudioData → Opus (WebCodecs) → onPacket(seq, captureMicros, bytes). */
class Microphone {
  constructor(ctxProvider, onPacket, onError) {
    this.ctxProvider = ctxProvider;
    this.onPacket = onPacket;
    this.onError = onError;
    this.seq = (Math.random() * 0x10000) >>> 0;
    this.stopped = false;
    this.nextTs = null;
    this.resampler = null;
  }

  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new MicError('unsupported', 'This page cannot use a microphone here: it needs https:// (or localhost).');
    }
    if (!webCodecsCapture()) {
      throw new MicError('unsupported', 'This browser cannot encode audio (no WebCodecs AudioEncoder). '
        + 'Use a recent Chrome, Edge or Firefox to speak.');
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true,
        noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
    } catch (e) {
      throw micError(e);
    }
    if (this.stopped) return this.stop();
    const track = this.stream.getAudioTracks()[0];
    if (!track) throw new MicError('missing', 'No microphone was found.');
    track.onended = () => this.onError(new MicError('ended', 'The microphone stopped (unplugged?).'));
    this.encoder = new AudioEncoder({
      output: (chunk) => this.encoded(chunk),
      error: (e) => this.onError(new MicError('error', 'The audio encoder failed: ' + e.message)),
    });
    this.encoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 1, bitrate: 32000,
      opus: { frameDuration: 20000 } });
    if ('MediaStreamTrackProcessor' in window) {
      this.readTrack(track);
    } else {
      await this.captureWithWorklet();
    }
  }

  async readTrack(track) {
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    this.reader = reader;
    while (!this.stopped) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) break;
      try {
        this.encodePcm(toMono(value), value.sampleRate);
      } finally {
        value.close();
      }
    }
  }

  async captureWithWorklet() {
    const ctx = await this.ctxProvider();
    this.source = ctx.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(ctx, 'stentor-capture', { numberOfInputs: 1, numberOfOutputs: 0,
      channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' });
    this.capture.port.onmessage = (e) => this.encodePcm(e.data, ctx.sampleRate);
    this.source.connect(this.capture);
  }

  encodePcm(pcm, rate) {
    if (this.stopped || !this.encoder || this.encoder.state !== 'configured') return;
    if (rate !== RATE) {
      this.resampler ??= new LinearResampler(rate, RATE);
      pcm = this.resampler.process(pcm);
      if (!pcm.length) return;
    }
    // Timestamps are capture times in µs since the epoch, continuous while the clock agrees.
    const durationUs = pcm.length / RATE * 1e6;
    const now = wallMicros() - durationUs;
    if (this.nextTs === null || Math.abs(now - this.nextTs) > 200000) this.nextTs = now;
    const data = new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfFrames: pcm.length,
      numberOfChannels: 1, timestamp: Math.round(this.nextTs), data: pcm });
    this.nextTs += durationUs;
    this.encoder.encode(data);
    data.close();
  }

  encoded(chunk) {
    diag.framesEncoded++;
    const opus = new Uint8Array(chunk.byteLength);
    chunk.copyTo(opus);
    // The sequence number is a 20 ms clock: it advances even for frames we do not send (muted).
    this.onPacket(this.seq, chunk.timestamp, opus);
    this.seq = (this.seq + 1) >>> 0;
  }

  stop() {
    this.stopped = true;
    if (this.reader) this.reader.cancel().catch(() => {});
    if (this.capture) this.capture.disconnect();
    if (this.source) this.source.disconnect();
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
  }
}

/** Averages the channels of an AudioData into one Float32Array. */
function toMono(data) {
  const n = data.numberOfFrames;
  const mono = new Float32Array(n);
  data.copyTo(mono, { planeIndex: 0, format: 'f32-planar' });
  if (data.numberOfChannels > 1) {
    const other = new Float32Array(n);
    for (let ch = 1; ch < data.numberOfChannels; ch++) {
      data.copyTo(other, { planeIndex: ch, format: 'f32-planar' });
      for (let i = 0; i < n; i++) mono[i] += other[i];
    }
    for (let i = 0; i < n; i++) mono[i] /= data.numberOfChannels;
  }
  return mono;
}

/** Linear-interpolation resampler keeping its position across blocks (good enough for speech). */
class LinearResampler {
  constructor(from, to) {
    this.step = from / to;
    this.pos = 0; // position in the input, relative to the start of the current block (may be < 0)
    this.last = 0; // the previous block's last sample, at position -1
  }

  process(input) {
    const out = [];
    while (this.pos < input.length - 1) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const a = i < 0 ? this.last : input[i];
      const b = input[i + 1];
      out.push(a + (b - a) * frac);
      this.pos += this.step;
    }
    this.pos -= input.length;
    this.last = input[input.length - 1] ?? this.last;
    return Float32Array.from(out);
  }
}

/**
 * A media WebSocket that comes back by itself: exponential backoff with jitter; after an abnormal
 * close it asks the server about the space (honouring Retry-After) before trying again.
 * handlers: open(ws), message(ev), closed(code, reason) → 'stop' | 'retry' | 'soon' | 'check'.
 */
class MediaSocket {
  constructor(name, path, spaceId, handlers) {
    this.name = name;
    this.path = path;
    this.spaceId = spaceId;
    this.h = handlers;
    this.backoff = new Backoff();
    this.stopped = false;
    this.connect();
  }

  async connect() {
    if (this.stopped) return;
    diag.connections[this.name] = 'connecting';
    let path = this.path;
    if (typeof path === 'function') {
      path = await path(); // e.g. a join ticket, perhaps after the waiting room
      if (this.stopped) return;
      if (!path) return this.stop();
    }
    const ws = new WebSocket(wsUrl(path));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let gotData = false;
    ws.onopen = () => {
      diag.connections[this.name] = 'open';
      this.h.open(ws);
    };
    ws.onmessage = (ev) => {
      if (!gotData) {
        gotData = true;
        this.backoff.reset();
      }
      this.h.message(ev);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.stopped) return;
      diag.connections[this.name] = 'closed';
      diag.lastClose = { socket: this.name, code: ev.code, reason: ev.reason };
      diag.closeCodes = [...diag.closeCodes, ev.code].slice(-20);
      const next = this.h.closed(ev.code, ev.reason);
      if (next === 'stop') this.stop();
      else if (next === 'soon') this.retry(this.backoff.next(0));
      else if (next === 'rejoin') this.retry(this.backoff.afterNodeLoss());
      else if (next === 'restart') this.retry(this.backoff.next(1000) + Math.random() * 3000); // spread a restart
      else this.check();
    };
  }

  /** After an unexplained close: ask the server what the space is doing, then retry or stop. */
  async check() {
    if (this.stopped) return;
    let wait = 0;
    try {
      const res = await fetch('/api/v1/spaces/' + encodeURIComponent(this.spaceId), { credentials: 'same-origin' });
      wait = retryAfterMs(res.headers.get('Retry-After'));
      if (res.ok) {
        const detail = await res.json();
        const verdict = this.h.checked ? this.h.checked(detail) : 'retry';
        if (verdict === 'stop' || detail.space.state !== 'live') {
          this.h.gone(detail);
          return this.stop();
        }
      } else if (res.status === 404) {
        this.h.gone(null);
        return this.stop();
      }
    } catch {
      // The server is unreachable (restarting?): back off and try again.
    }
    this.retry(this.backoff.next(wait));
  }

  retry(ms) {
    if (this.stopped) return;
    diag.connections[this.name] = 'waiting';
    if (this.h.waiting) this.h.waiting(ms);
    this.timer = setTimeout(() => this.connect(), ms);
  }

  send(buf) {
    const ws = this.ws;
    // Never queue audio behind a stalled socket: old audio is worse than a gap.
    if (ws && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 16384) {
      ws.send(buf);
      return true;
    }
    return false;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    diag.connections[this.name] = 'closed';
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
  }
}

/**
 * The audio of one room. mode 'listen' plays the mix; mode 'speak' sends the microphone and plays
 * the other speakers. Callbacks (all optional): status(text), ended(detail), removed(), offStage(),
 * micError(MicError|null), needsGesture(bool).
 */
export class RoomAudio {
  constructor(spaceId, callbacks) {
    this.spaceId = spaceId;
    this.cb = callbacks;
    this.mode = 'off';
    this.muted = false;
    this.decoders = new Map();
    this.player = null;
  }

  async ensurePlayer() {
    if (!this.player) {
      this.playerPromise ??= Player.create();
      this.player = await this.playerPromise;
      this.player.ctx.onstatechange = () => this.cb.needsGesture?.(this.player?.suspended ?? false);
    }
    this.cb.needsGesture?.(this.player.suspended);
    return this.player;
  }

  /** Call from a click: browsers only start audio after a user gesture. */
  async resume() {
    if (this.player) await this.player.ctx.resume();
    if (this.elementCtx) await this.elementCtx.resume().catch(() => {});
    if (this.fallback) await this.fallback.play().catch(() => {});
    this.cb.needsGesture?.(false);
  }

  /**
   * Gets a join ticket (POST /join): at once, or after the waiting room (showing the position), or
   * not at all when only a small audience is live ('replay later'). An earlier ticket is sent along,
   * so a returning listener is let in ahead of the line. Resolves to the ticket, or null.
   */
  async admit(tier) {
    const backoff = new Backoff();
    let place = null;
    for (;;) {
      if (this.mode === 'off') return null;
      let r;
      try {
        const body = { tier, listener: listenerId() };
        if (place) body.place = place;
        if (this.ticket) body.ticket = this.ticket.ticket;
        r = await this.cb.join(body);
      } catch (e) {
        if (e.status === 403 || e.status === 404 || e.status === 409) return null; // removed, gone, or not live
        const ms = backoff.next(retryAfterMs(e.retryAfter));
        diag.admission = { state: 'refused', error: e.code || null };
        this.status(`${e.message || 'The server is busy.'} Trying again in ${Math.ceil(ms / 1000)} s…`);
        await new Promise((ok) => setTimeout(ok, ms));
        continue;
      }
      diag.admission = { state: r.state, position: r.position ?? null, tier: r.tier ?? null };
      if (r.state === 'admitted') {
        this.ticket = r;
        return r;
      }
      if (r.state === 'replay_later') {
        this.status('');
        this.cb.replayLater?.(r);
        return null;
      }
      place = r.place;
      this.status(`You are in the waiting room: number ${r.position} in line, about ${r.etaSeconds} s to go…`);
      const wait = Math.max(1, Math.min(10, Math.floor(r.etaSeconds / 2)));
      await new Promise((ok) => setTimeout(ok, wait * 1000));
    }
  }

  /** The ticket to connect with: the current one while it is fresh, else a new join. */
  async ticketFor(tier) {
    const t = this.ticket;
    if (t && !this.staleTicket && t.tier === tier && t.expiresAt * 1000 - Date.now() > 5000) return t;
    this.staleTicket = false;
    return this.admit(tier);
  }

  async listen() {
    if (this.mode === 'listen' || this.mode === 'fallback' || this.mode === 'hls') return;
    this.stopMedia();
    const forced = forcedTier();
    if (forced === 'hls' || (!forced && !webCodecsPlayback() && mseAvailable())) return this.listenHls();
    if (forced === 'ogg' || !webCodecsPlayback()) return this.listenFallback();
    this.mode = diag.mode = 'listen';
    let player;
    try {
      player = await this.ensurePlayer();
    } catch (e) {
      // No usable Web Audio (no output device, an old browser): the Ogg stream in <audio> still works.
      this.mode = 'off';
      return this.listenFallback();
    }
    if (this.mode !== 'listen') return;
    this.status('Connecting to the audio…');
    const first = await this.admit('websocket');
    if (this.mode !== 'listen' || !first) return;
    if (first.tier === 'http') {
      // The server offers the HTTP tier (its WebSocket tier is full or under pressure).
      this.mode = 'off';
      this.tierNote = first.reason || null;
      return this.listenFallback();
    }
    if (first.tier === 'hls') {
      // The server's live tiers are full and a CDN stands in front of its HLS tier.
      this.mode = 'off';
      this.tierNote = first.reason || null;
      return this.listenHls();
    }
    this.socket = new MediaSocket('listen', async () => {
      const t = await this.ticketFor('websocket');
      return t && t.tier === 'websocket' ? t.listen : null;
    }, this.spaceId, {
      open: () => this.status('Listening live'),
      message: (ev) => this.onMedia(ev, player),
      closed: (code) => {
        this.closeDecoders();
        if (this.ticket && elsewhere(this.ticket.listen) && (code === 1006 || code === 1012)) {
          // An edge died (reset, or restarting): join again at the origin, which names another edge.
          this.staleTicket = true;
          diag.rejoins++;
          this.status('The audio server went away; moving you to another…');
          return 'rejoin';
        }
        if (code !== 1012 && code !== 4008) this.staleTicket = true; // refused or broken: join again
        if (code === 4003) {
          this.cb.removed?.();
          return 'stop';
        }
        if (code === 4008) {
          this.status('Your connection fell behind; catching up…');
          return 'soon';
        }
        if (code === 1012) {
          this.status('The server is restarting; reconnecting…');
          return 'restart';
        }
        return 'check'; // 1000 (ended, or the server stopped), or a refused/broken connection
      },
      checked: (detail) => (detail.you && detail.you.blocked ? 'stop' : 'retry'),
      gone: (detail) => this.gone(detail),
      waiting: (ms) => this.status(`Audio interrupted; reconnecting in ${Math.ceil(ms / 1000)} s…`),
    });
  }

  /** Where WebCodecs is missing: the Ogg stream in an <audio> element, with the same backoff. */
  listenFallback() {
    this.mode = diag.mode = 'fallback';
    const backoff = new Backoff();
    const el = document.createElement('audio');
    el.autoplay = true;
    el.setAttribute('aria-label', 'Live audio');
    this.fallback = el;
    if (!this.elementCtx) this.analyse(el); // same origin: the diagnostics can hear what it plays
    let fresh = false;
    const start = async () => {
      if (this.fallback !== el) return;
      if (fresh) this.staleTicket = true; // after an error: join again (as a returning listener)
      fresh = true;
      const t = await this.ticketFor('http');
      if (this.fallback !== el || !t) return;
      if (t.tier === 'hls') { // full: the server sends new listeners to its CDN tier
        this.tierNote = t.reason || null;
        this.fallback = null;
        return this.listenHls();
      }
      el.src = t.ogg;
      el.play().catch(() => this.cb.needsGesture?.(true));
    };
    el.onplaying = () => {
      backoff.reset();
      this.status(this.tierNote ? `Listening live over HTTP. ${this.tierNote}` : 'Listening live');
    };
    el.onerror = el.onended = () => {
      const ms = this.ticket && elsewhere(this.ticket.ogg) ? backoff.afterNodeLoss() : backoff.next();
      this.status(`Audio interrupted; reconnecting in ${Math.ceil(ms / 1000)} s…`);
      this.fallbackTimer = setTimeout(start, ms);
    };
    document.body.appendChild(el);
    start();
  }

  /**
   * The HLS tier (the CDN tier: seconds behind, served by any HTTP cache): hls.js in low-latency
   * mode over Media Source Extensions, loaded only now; or the browser's own HLS player (Safari).
   * Used where WebCodecs is missing, or when asked for with ?listen=hls. The join still admits the
   * listener (waiting room, small audience); the playlist itself needs no ticket.
   */
  async listenHls() {
    this.mode = diag.mode = 'hls';
    const el = document.createElement('audio');
    el.autoplay = true;
    el.setAttribute('aria-label', 'Live audio');
    this.fallback = el;
    document.body.appendChild(el);
    const backoff = new Backoff();
    const state = { via: null, url: null, errors: [] };
    diag.hls = state;
    const again = (why) => {
      if (this.fallback !== el) return;
      state.errors = [...state.errors, why].slice(-10);
      if (this.hls) this.hls.destroy();
      this.hls = null;
      clearTimeout(this.fallbackTimer); // hls.js and the element may both report one failure
      this.staleTicket = true;
      const ms = elsewhere(state.url) ? backoff.afterNodeLoss() : backoff.next();
      this.status(`Audio interrupted; reconnecting in ${Math.ceil(ms / 1000)} s…`);
      this.fallbackTimer = setTimeout(start, ms);
    };
    const start = async () => {
      if (this.fallback !== el) return;
      this.status('Connecting to the audio…');
      const t = await this.ticketFor('hls'); // holds nothing on the server: the playlist is public
      if (this.fallback !== el || !t) return;
      state.url = t.hls;
      let Hls = null;
      if (mseAvailable()) {
        try {
          Hls = (await import('./vendor/hls.light.min.mjs')).default;
        } catch (e) {
          state.errors.push('hls.js did not load: ' + e.message);
        }
        if (this.fallback !== el) return;
      }
      if (Hls && Hls.isSupported()) {
        state.via = 'hls.js';
        if (!this.elementCtx) this.analyse(el); // MSE media is never cross-origin-tainted
        const hls = new Hls({ lowLatencyMode: true, backBufferLength: 30 });
        this.hls = hls;
        hls.on(Hls.Events.ERROR, (_, d) => {
          if (d.fatal) again(d.details);
        });
        hls.loadSource(t.hls);
        hls.attachMedia(el);
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        state.via = 'native';
        el.src = t.hls;
      } else {
        this.mode = diag.mode = 'off';
        el.remove();
        this.fallback = null;
        return this.listenFallback(); // neither: the Ogg stream
      }
      el.play().catch(() => this.cb.needsGesture?.(true));
    };
    el.onplaying = () => {
      backoff.reset();
      this.status(this.tierNote ? `Listening a few seconds behind live. ${this.tierNote}` : 'Listening live (a few seconds behind)');
    };
    el.onerror = () => again('media error ' + (el.error ? el.error.code : ''));
    start();
  }

  /** Routes an <audio> element through an AnalyserNode, for the diagnostics (dominantFrequency, rms). */
  analyse(el) {
    try {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0.5;
      ctx.createMediaElementSource(el).connect(analyser).connect(ctx.destination);
      this.elementCtx = ctx;
      diag.analyser = analyser;
      ctx.onstatechange = () => this.cb.needsGesture?.(ctx.state === 'suspended');
    } catch {
      // No Web Audio here: the element plays by itself, without diagnostics.
    }
  }

  async speak() {
    if (this.mode === 'speak') return;
    this.stopMedia();
    this.mode = diag.mode = 'speak';
    let player;
    try {
      player = await this.ensurePlayer();
    } catch (e) {
      this.status('This browser cannot play audio here: ' + e.message);
      return;
    }
    if (this.mode !== 'speak') return;
    this.slots = {};
    this.status('Connecting your microphone…');
    this.socket = new MediaSocket('speak', `/api/v1/spaces/${this.spaceId}/speak`, this.spaceId, {
      open: () => this.status(this.mic && !diag.micError ? 'You are on air' : 'Connected to the stage'),
      message: (ev) => {
        if (typeof ev.data === 'string') this.onSlots(JSON.parse(ev.data));
        else this.onMedia(ev, player);
      },
      closed: (code) => {
        this.closeDecoders();
        if (code === 4003) {
          this.cb.offStage?.();
          return 'stop';
        }
        if (code === 4009) {
          this.status('You are speaking from another tab or device; this one stays quiet.');
          return 'stop';
        }
        if (code === 1012) {
          this.status('The server is restarting; reconnecting…');
          return 'restart';
        }
        return 'check';
      },
      checked: (detail) => {
        if (detail.you && !detail.you.stageRole) {
          this.cb.offStage?.();
          return 'stop';
        }
        return 'retry';
      },
      gone: (detail) => this.gone(detail),
      waiting: (ms) => this.status(`Connection lost; reconnecting in ${Math.ceil(ms / 1000)} s…`),
    });
    this.startMic();
  }

  /** Starts (or retries) the microphone while on stage; failures are reported, the room keeps playing. */
  async startMic() {
    if (this.mode !== 'speak') return;
    if (this.mic) this.mic.stop();
    diag.micError = null;
    this.cb.micError?.(null);
    const socket = this.socket;
    const mic = new Microphone(() => this.ensurePlayer().then((p) => p.ctx), (seq, capture, opus) => {
      if (this.muted) return;
      const buf = new ArrayBuffer(HEADER + opus.length);
      const v = new DataView(buf);
      v.setUint8(0, 1); // kind: audio
      v.setUint8(1, 0); // source: speakers send 0
      v.setUint16(2, 0); // flags
      v.setUint32(4, seq);
      v.setBigInt64(8, BigInt(Math.round(capture)));
      new Uint8Array(buf, HEADER).set(opus);
      if (this.socket === socket && socket.send(buf)) diag.framesSent++;
    }, (err) => this.micFailed(err));
    this.mic = mic;
    try {
      await mic.start();
      if (this.mic === mic && diag.connections.speak === 'open') this.status('You are on air');
    } catch (e) {
      this.micFailed(e instanceof MicError ? e : micError(e));
    }
  }

  micFailed(err) {
    diag.micError = err.message;
    this.cb.micError?.(err);
  }

  setMuted(muted) {
    this.muted = muted;
  }

  onSlots(m) {
    if (m.type !== 'slots') return;
    const before = this.slots || {};
    this.slots = m.slots;
    for (const [slot, dec] of this.decoders) {
      if (slot !== 0 && m.slots[slot] !== before[slot]) {
        dec.close();
        this.decoders.delete(slot);
      }
    }
  }

  onMedia(ev, player) {
    const p = parseMedia(ev.data);
    if (!p) return;
    diag.framesReceived++;
    diag.lastDelayMs = (wallMicros() - p.capture) / 1000;
    let dec = this.decoders.get(p.source);
    if (!dec || dec.decoder.state === 'closed') {
      dec = new SourceDecoder(player, p.source, () => {
        // A decoder that fails is replaced by the next packet.
        this.decoders.delete(p.source);
      });
      this.decoders.set(p.source, dec);
    }
    dec.feed(p.seq, p.opus);
  }

  gone(detail) {
    this.stopMedia();
    this.cb.ended?.(detail);
  }

  status(text) {
    this.cb.status?.(text);
  }

  closeDecoders() {
    for (const d of this.decoders.values()) d.close();
    this.decoders.clear();
  }

  stopMedia() {
    if (this.socket) this.socket.stop();
    this.socket = null;
    if (this.mic) this.mic.stop();
    this.mic = null;
    this.closeDecoders();
    if (this.hls) this.hls.destroy();
    this.hls = null;
    if (this.elementCtx) {
      this.elementCtx.close().catch(() => {});
      this.elementCtx = null;
      diag.analyser = this.player ? this.player.analyser : null;
    }
    if (this.fallback) {
      clearTimeout(this.fallbackTimer);
      this.fallback.pause();
      this.fallback.removeAttribute('src');
      this.fallback.remove();
      this.fallback = null;
    }
    diag.micError = null;
    this.mode = diag.mode = 'off';
  }

  close() {
    this.stopMedia();
    if (this.player) this.player.close();
    this.player = null;
    this.playerPromise = null;
  }
}
