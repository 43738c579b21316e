import type { Socket } from 'node:net';
import { MsgType, MSG_HEADER_SIZE } from './protocol.ts';
import { InternalError } from '../../lib/errors.ts';

export type HelperMessage =
  | { type: typeof MsgType.PID; pid: number }
  | { type: typeof MsgType.HOOKS; phase: number }
  | { type: typeof MsgType.CREATED }
  | { type: typeof MsgType.ERROR; step: number; errno: number; detail: string }
  | { type: typeof MsgType.WARNING; step: number; errno: number; detail: string }
  | { type: typeof MsgType.EXITED; status: number }
  | { type: 'eof' };

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(MsgType).map(([k, v]) => [v, k]));

export function messageName(m: HelperMessage): string {
  return m.type === 'eof' ? 'end of stream' : (NAMES[m.type] ?? `message ${m.type}`);
}

// The node end of the sync socket. Messages are framed by a 16-byte header; `next()` yields them
// in order, and `eof` once every process holding the helper's end has closed it.
export class HelperChannel {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #queue: HelperMessage[] = [];
  #waiters: ((m: HelperMessage) => void)[] = [];
  #ended = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const end = (): void => {
      if (this.#ended) return;
      this.#ended = true;
      this.#push({ type: 'eof' });
    };
    socket.on('end', end);
    socket.on('close', end);
    // EPIPE/ECONNRESET when the helper died: the 'close' that follows reports it as eof.
    socket.on('error', () => {});
  }

  #parse(): void {
    while (this.#buffer.length >= MSG_HEADER_SIZE) {
      const len = this.#buffer.readUInt32LE(12);
      if (this.#buffer.length < MSG_HEADER_SIZE + len) return;
      const type = this.#buffer.readUInt32LE(0);
      const step = this.#buffer.readInt32LE(4);
      const err = this.#buffer.readInt32LE(8);
      const payload = this.#buffer.subarray(MSG_HEADER_SIZE, MSG_HEADER_SIZE + len);
      this.#buffer = this.#buffer.subarray(MSG_HEADER_SIZE + len);
      this.#push(decode(type, step, err, payload));
    }
  }

  #push(m: HelperMessage): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(m);
    else this.#queue.push(m);
  }

  next(): Promise<HelperMessage> {
    const m = this.#queue.shift();
    if (m) return Promise.resolve(m);
    if (this.#ended) return Promise.resolve({ type: 'eof' });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  send(type: number, payload: Buffer = Buffer.alloc(0)): void {
    const header = Buffer.alloc(MSG_HEADER_SIZE);
    header.writeUInt32LE(type, 0);
    header.writeInt32LE(-1, 4);
    header.writeInt32LE(0, 8);
    header.writeUInt32LE(payload.length, 12);
    this.#socket.write(Buffer.concat([header, payload]));
  }

  // CONTINUE carries the states for the hooks the helper runs in the container's namespaces.
  sendContinue(states: string[]): void {
    const parts: Buffer[] = [];
    const count = Buffer.alloc(4);
    count.writeUInt32LE(states.length, 0);
    parts.push(count);
    for (const s of states) {
      const bytes = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length, 0);
      parts.push(len, bytes);
    }
    this.send(MsgType.CONTINUE, Buffer.concat(parts));
  }

  close(): void {
    this.#socket.destroy();
  }
}

function decode(type: number, step: number, err: number, payload: Buffer): HelperMessage {
  switch (type) {
    case MsgType.PID:
      return { type, pid: payload.readInt32LE(0) };
    case MsgType.HOOKS:
      return { type, phase: step };
    case MsgType.CREATED:
      return { type };
    case MsgType.ERROR:
    case MsgType.WARNING:
      return { type, step, errno: err, detail: payload.toString('utf8') };
    case MsgType.EXITED:
      return { type, status: payload.readInt32LE(0) };
    default:
      throw new InternalError(`unknown message type ${type} from the helper`);
  }
}
