/**
 * The order in which embedded Postgres (PGlite, one session) runs the messages of many
 * client connections. pglite-socket's own queue interleaves connections message by
 * message and keeps a connection's turn only inside a transaction, so two clients using
 * the extended protocol (Parse, Bind, Execute, Sync: what `pg` sends for every query with
 * parameters) overwrite each other's unnamed statement: "bind message supplies 1
 * parameters, but prepared statement "" requires 2". Two ingest tasks at once (the weekly
 * cron refreshes images and audio together) failed that way.
 *
 * Here a connection keeps its turn from its first extended-protocol message until its
 * Sync, and for as long as it holds a transaction open; a simple Query is one turn.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

// Frontend message types that complete a turn outside a transaction: Sync, simple Query,
// Terminate. Anything else with a type byte continues the sequence it belongs to.
const TURN_ENDS = new Set(['S', 'Q', 'X']);

export class ConnectionTurns {
  private queue: Item[] = [];
  private processing = false;
  /** The connection whose turn it is (mid-sequence or in a transaction), if any. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private next(): Item | undefined {
    if (this.owner === null) return this.queue.shift();
    const at = this.queue.findIndex((i) => i.handlerId === this.owner);
    // The owner has not sent its next message yet: the others wait for it.
    return at === -1 ? undefined : this.queue.splice(at, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item!.onData(data);
              },
            }),
          );
        } catch (err) {
          this.owner = null;
          item.reject(err);
          continue;
        }
        // A startup message has no type byte (it begins with its length, high byte 0).
        const type = item.message[0] ? String.fromCharCode(item.message[0]) : '';
        if (this.db.isInTransaction()) this.owner = item.handlerId;
        else if (!type || TURN_ENDS.has(type)) this.owner = null;
        else this.owner = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A connection went away: drop what it queued. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((i) => {
      if (i.handlerId !== handlerId) return true;
      i.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** ...and give up its turn, rolling back the transaction it left open. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }
}
