/**
 * Merlin transcripts (merlin.cool) on STROBE-128 over Keccak-f[1600], written from the two public
 * specifications: the transcript sr25519 (schnorrkel) signatures hash. Only the operations a
 * signature needs: meta-AD, AD and PRF.
 */
import { keccakF1600 } from './keccak-f.js';

const R = 166; // STROBE-128 rate: 200 − 2·16 − 2
const FLAG_I = 1;
const FLAG_A = 2;
const FLAG_C = 4;
const FLAG_M = 16;
const FLAG_K = 32;

const encoder = new TextEncoder();
/** Encoded labels, so hot callers do not re-encode the same few strings. */
const labels = new Map<string, Uint8Array>();
function labelBytes(label: string): Uint8Array {
  let b = labels.get(label);
  if (!b) {
    b = encoder.encode(label);
    if (labels.size < 64) labels.set(label, b);
  }
  return b;
}
const lenBuf = new Uint8Array(4);
function u32le(n: number): Uint8Array {
  lenBuf[0] = n & 0xff;
  lenBuf[1] = (n >>> 8) & 0xff;
  lenBuf[2] = (n >>> 16) & 0xff;
  lenBuf[3] = n >>> 24;
  return lenBuf;
}

class Strobe128 {
  readonly st = new Uint8Array(200);
  pos = 0;
  posBegin = 0;
  curFlags = 0;

  init(protocol: Uint8Array): this {
    this.st.set([1, R + 2, 1, 0, 1, 96], 0);
    this.st.set(encoder.encode('STROBEv1.0.2'), 6);
    keccakF1600(this.st);
    this.metaAd(protocol, false);
    return this;
  }

  copyFrom(o: Strobe128): this {
    this.st.set(o.st);
    this.pos = o.pos;
    this.posBegin = o.posBegin;
    this.curFlags = o.curFlags;
    return this;
  }

  #runF(): void {
    this.st[this.pos] = (this.st[this.pos] as number) ^ this.posBegin;
    this.st[this.pos + 1] = (this.st[this.pos + 1] as number) ^ 0x04;
    this.st[R + 1] = (this.st[R + 1] as number) ^ 0x80;
    keccakF1600(this.st);
    this.pos = 0;
    this.posBegin = 0;
  }

  #absorb(data: Uint8Array): void {
    // the hot loop of a signature (a 200-byte message): locals, not a call per byte
    const st = this.st;
    let pos = this.pos;
    for (let i = 0; i < data.length; i++) {
      st[pos] = (st[pos] as number) ^ (data[i] as number);
      if (++pos === R) {
        this.pos = pos;
        this.#runF();
        pos = 0;
      }
    }
    this.pos = pos;
  }

  #absorbByte(b: number): void {
    this.st[this.pos] = (this.st[this.pos] as number) ^ b;
    if (++this.pos === R) this.#runF();
  }

  #squeeze(out: Uint8Array): void {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.st[this.pos] as number;
      this.st[this.pos] = 0;
      if (++this.pos === R) this.#runF();
    }
  }

  #beginOp(flags: number, more: boolean): void {
    if (more) {
      if (this.curFlags !== flags) throw new Error('strobe: continued operation with other flags');
      return;
    }
    const oldBegin = this.posBegin;
    this.posBegin = this.pos + 1;
    this.curFlags = flags;
    this.#absorbByte(oldBegin);
    this.#absorbByte(flags);
    if ((flags & (FLAG_C | FLAG_K)) !== 0 && this.pos !== 0) this.#runF();
  }

  metaAd(data: Uint8Array, more: boolean): void {
    this.#beginOp(FLAG_M | FLAG_A, more);
    this.#absorb(data);
  }

  ad(data: Uint8Array, more: boolean): void {
    this.#beginOp(FLAG_A, more);
    this.#absorb(data);
  }

  prf(out: Uint8Array, more: boolean): void {
    this.#beginOp(FLAG_I | FLAG_A | FLAG_C, more);
    this.#squeeze(out);
  }
}

/** A Merlin transcript: labelled messages in, labelled challenge bytes out. */
export class Transcript {
  readonly #strobe = new Strobe128();

  /** A new transcript for `label`; `from` copies another one's state instead (cheap fork). */
  constructor(label: string | Transcript) {
    if (typeof label === 'string') {
      this.#strobe.init(encoder.encode('Merlin v1.0'));
      this.appendMessage('dom-sep', labelBytes(label));
    } else {
      this.#strobe.copyFrom(label.#strobe);
    }
  }

  appendMessage(label: string, message: Uint8Array): void {
    this.#strobe.metaAd(labelBytes(label), false);
    this.#strobe.metaAd(u32le(message.length), true);
    this.#strobe.ad(message, false);
  }

  /** Makes this transcript a copy of `other` (a fork into an existing one: no new 200-byte state). */
  setFrom(other: Transcript): this {
    this.#strobe.copyFrom(other.#strobe);
    return this;
  }

  challengeBytes(label: string, length: number): Uint8Array {
    return this.challengeInto(label, new Uint8Array(length));
  }

  /** `challengeBytes` written into `out` (its length is the challenge length); returns `out`. */
  challengeInto(label: string, out: Uint8Array): Uint8Array {
    this.#strobe.metaAd(labelBytes(label), false);
    this.#strobe.metaAd(u32le(out.length), true);
    this.#strobe.prf(out, false);
    return out;
  }

  /** Zeroes the state. */
  wipe(): void {
    this.#strobe.st.fill(0);
  }
}
