/** Real HTTP calls to the API under test, each answer (or transport error) tallied for the scenario's row. */
export interface Answer {
  status: number;
  /** The Content-Type without parameters. */
  type: string;
  body: Record<string, unknown>;
}

export class ApiTally {
  readonly byStatus = new Map<number, number>();
  /** Connection refused or reset, or no answer within the client's timeout. */
  transportErrors = 0;
  /** 5xx answers other than 503, and 503s that are not problem+json. */
  readonly badAnswers: string[] = [];
  /** Non-2xx answers by status and route, e.g. "503 GET /cases/:id" → 12. */
  readonly refusedByRoute = new Map<string, number>();

  count(what: string, answer: Answer): void {
    this.byStatus.set(answer.status, (this.byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status >= 300) this.refusedByRoute.set(`${answer.status} ${what}`, (this.refusedByRoute.get(`${answer.status} ${what}`) ?? 0) + 1);
    if (answer.status >= 500 && (answer.status !== 503 || answer.type !== 'application/problem+json')) {
      this.badAnswers.push(`${what}: ${answer.status} ${answer.type} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
  }

  /** Non-2xx answers of one status, e.g. "POST /cases/:id/commands/ship-back×3", or "none". */
  routesOf(status: number): string {
    const rows = [...this.refusedByRoute.entries()].filter(([key]) => key.startsWith(`${status} `)).map(([key, n]) => `${key.slice(4)}×${n}`);
    return rows.join(', ') || 'none';
  }

  total(): number {
    return [...this.byStatus.values()].reduce((a, b) => a + b, 0);
  }

  of(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  /** e.g. "201×500 200×1500 503×12" */
  summary(): string {
    const parts = [...this.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    if (this.transportErrors) parts.push(`conn×${this.transportErrors}`);
    return parts.join(' ');
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly tally = new ApiTally(),
    private readonly timeoutMs = 30_000,
  ) {}

  /** One request; throws on a transport error (counted). */
  async call(method: 'GET' | 'POST', path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      this.tally.transportErrors++;
      throw err;
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { unparsed: text.slice(0, 200) };
    }
    const answer = { status: res.status, type: (res.headers.get('content-type') ?? '').split(';')[0].trim(), body: parsed };
    this.tally.count(`${method} ${path.replace(/case-[0-9a-f]+/, ':id')}`, answer);
    return answer;
  }

  /** Retries transport errors and 503s with the same request (the same Idempotency-Key for a create) until `deadline`. */
  async retrying(method: 'GET' | 'POST', path: string, key: string, body?: unknown, headers: Record<string, string> = {}, deadline = Date.now() + 300_000): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.call(method, path, key, body, headers);
        if (answer.status !== 503 || Date.now() > deadline) return answer;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
