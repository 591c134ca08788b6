// Audio worklet processors of the Stentor web app (loaded with audioWorklet.addModule('/web/player-worklet.js')).
//
// 'stentor-player': plays decoded 48 kHz mono PCM from one or more sources (the space's mix when
//   listening; each other speaker's forwarded stream when on stage), each through its own small
//   jitter buffer, mixed into one output. Messages in:
//     {type: 'pcm', source, pcm: Float32Array}   decoded audio of one source, in order
//     {type: 'drop', source}                      forget a source (it left)
//     {type: 'config', startMs, maxMs, targetMs}  buffering: start playing a source once startMs
//                                                 are buffered; when more than maxMs pile up, drop
//                                                 the oldest audio down to targetMs
//   Messages out, about 4 times a second: {type: 'stats', sources: {id: {bufferedMs, playing,
//     underruns, dropped}}}
//
// 'stentor-capture': the microphone path where MediaStreamTrackProcessor is missing: posts the
//   input (downmixed to mono by the node, at the context's 48 kHz) in blocks of 960 samples.

const RATE = sampleRate; // the AudioContext's rate (the app asks for 48000)

class SourceBuffer {
  constructor() {
    this.chunks = [];
    this.offset = 0; // read position in chunks[0]
    this.buffered = 0; // samples
    this.playing = false;
    this.underruns = 0;
    this.dropped = 0;
  }

  push(pcm) {
    this.chunks.push(pcm);
    this.buffered += pcm.length;
  }

  /** Drops the oldest samples until only `keep` remain. */
  trimTo(keep) {
    let excess = this.buffered - keep;
    this.dropped += Math.max(0, excess);
    while (excess > 0 && this.chunks.length) {
      const left = this.chunks[0].length - this.offset;
      if (left <= excess) {
        this.chunks.shift();
        this.offset = 0;
        excess -= left;
        this.buffered -= left;
      } else {
        this.offset += excess;
        this.buffered -= excess;
        excess = 0;
      }
    }
  }

  /** Adds up to out.length samples into out; returns how many it had. */
  mixInto(out) {
    let n = 0;
    while (n < out.length && this.chunks.length) {
      const c = this.chunks[0];
      const take = Math.min(out.length - n, c.length - this.offset);
      for (let i = 0; i < take; i++) out[n + i] += c[this.offset + i];
      n += take;
      this.offset += take;
      if (this.offset >= c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= n;
    return n;
  }
}

class StentorPlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.sources = new Map();
    this.startSamples = Math.round(RATE * 0.08);
    this.maxSamples = Math.round(RATE * 0.3);
    this.targetSamples = Math.round(RATE * 0.1);
    this.sinceStats = 0;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(m) {
    if (m.type === 'pcm') {
      let s = this.sources.get(m.source);
      if (!s) {
        s = new SourceBuffer();
        this.sources.set(m.source, s);
      }
      s.push(m.pcm);
      if (s.buffered > this.maxSamples) s.trimTo(this.targetSamples); // too far behind: catch up
    } else if (m.type === 'drop') {
      this.sources.delete(m.source);
    } else if (m.type === 'config') {
      this.startSamples = Math.round(RATE * m.startMs / 1000);
      this.maxSamples = Math.round(RATE * m.maxMs / 1000);
      this.targetSamples = Math.round(RATE * m.targetMs / 1000);
    }
  }

  process(inputs, outputs) {
    const out = outputs[0][0];
    out.fill(0);
    for (const s of this.sources.values()) {
      if (!s.playing) {
        if (s.buffered < this.startSamples) continue;
        s.playing = true;
      }
      if (s.mixInto(out) < out.length) {
        // Ran dry: wait until startSamples are buffered again rather than stutter.
        s.playing = false;
        s.underruns++;
      }
    }
    for (let ch = 1; ch < outputs[0].length; ch++) outputs[0][ch].set(out);
    this.sinceStats += out.length;
    if (this.sinceStats >= RATE / 4) {
      this.sinceStats = 0;
      const sources = {};
      for (const [id, s] of this.sources) {
        sources[id] = { bufferedMs: Math.round(s.buffered * 1000 / RATE), playing: s.playing,
          underruns: s.underruns, dropped: s.dropped };
      }
      this.port.postMessage({ type: 'stats', sources });
    }
    return true;
  }
}

class StentorCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(960);
    this.n = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (input.length) {
      const ch = input[0];
      for (let i = 0; i < ch.length; i++) {
        this.block[this.n++] = ch[i];
        if (this.n === this.block.length) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(960);
          this.n = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('stentor-player', StentorPlayer);
registerProcessor('stentor-capture', StentorCapture);
