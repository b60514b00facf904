/**
 * The events hubs under benchmark have stored in PostgreSQL (EVENT_STORE=postgres), counted per
 * `category/type` by a connection of the benchmark's own, as ./event-counts.ts counts a SQLite
 * file; and the order lives' durations, placed → handed off to the carrier.
 */
import pg from 'pg';

export class PostgresEventCounts {
  private constructor(private readonly client: pg.Client) {}

  static async open(connectionString: string): Promise<PostgresEventCounts> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    return new PostgresEventCounts(client);
  }

  /** Counts per `category/type` now. */
  async counts(): Promise<ReadonlyMap<string, number>> {
    const result = await this.client.query<{ key: string; n: string }>(
      `SELECT category || '/' || type AS key, count(*)::text AS n FROM events GROUP BY category, type`,
    );
    return new Map(result.rows.map((row) => [row.key, Number(row.n)]));
  }

  /** Per order: placed → its shipment handed off to the TMS, in ms (from the events' recordedAt), sorted. */
  async lifetimes(): Promise<number[]> {
    const result = await this.client.query<{ placed_at: string; handed_off_at: string }>(
      `SELECT o.metadata->>'recordedAt' AS placed_at, h.metadata->>'recordedAt' AS handed_off_at
         FROM events r
         JOIN events o ON o.stream = 'order-' || (r.data->>'orderNo') AND o.type = 'OrderPlaced'
         JOIN events h ON h.stream = r.stream AND h.type = 'PushSucceeded'
        WHERE r.category = 'shipment' AND r.type = 'ShipmentRegistered'`,
    );
    return result.rows.map((row) => Date.parse(row.handed_off_at) - Date.parse(row.placed_at)).sort((a, b) => a - b);
  }

  /** Orders pushed to the WMS, oldest first, with their outboundNo and SKU. */
  async pushed(): Promise<Readonly<{ orderNo: string; outboundNo: string; sku: string }>[]> {
    const result = await this.client.query<{ orderNo: string; outboundNo: string; sku: string }>(
      `SELECT substr(p.stream, 7) AS "orderNo", p.data->>'outboundNo' AS "outboundNo", o.data->'items'->0->>'sku' AS sku
         FROM events p JOIN events o ON o.stream = p.stream AND o.type = 'OrderPlaced'
        WHERE p.category = 'order' AND p.type = 'PushSucceeded' ORDER BY p.transaction_id, p.position`,
    );
    return result.rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
