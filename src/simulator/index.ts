/**
 * The simulator: virtual drivers log in and drive their dispatched routes through the public API.
 * With office credentials it first plans and dispatches a day (the given date, or the earliest with
 * ready orders) if nothing is dispatched for it yet, so a fresh demo has routes to drive.
 */
import type { SimulationOptions, DriverSummary } from './virtual-driver';
import { runDriver } from './virtual-driver';

export interface Credentials {
  username: string;
  password: string;
}

export interface SimulationInput {
  drivers: Credentials[];
  /** Plans and dispatches when no route is dispatched yet. */
  office?: Credentials;
  /** The local date (YYYY-MM-DD) to plan and drive; without it the earliest date with ready orders. */
  date?: string;
  /** The solver's time for that plan; 10 s by default. */
  planSeconds?: number;
  options: SimulationOptions;
}

async function call<T>(url: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const send = () =>
    fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // A kept-alive connection the server closed while busy (a solver on its one thread) is no answer: reads are tried again.
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await send();
    } catch (error) {
      if (method !== 'GET' || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function login(url: string, credentials: Credentials): Promise<string> {
  return (await call<{ token: string }>(url, 'POST', '/auth/login', null, credentials)).token;
}

/**
 * Plans `date` (or the earliest day with ready orders) at the first depot and dispatches it, unless a plan of that
 * date (or, without a date, any plan) is dispatched already. A plan of that date left queued, running or not yet
 * dispatched (a run stopped half-way) is taken up instead of planning its orders again.
 */
export async function ensureDispatched(url: string, token: string, signal: AbortSignal, log: (message: string) => void = () => {}, day?: string, planSeconds = 10): Promise<void> {
  const depots = await call<{ items: { id: number }[] }>(url, 'GET', '/depots', token);
  const depotId = depots.items[0]?.id;
  if (depotId === undefined) return;
  const plans = await call<{ items: { id: number; status: string }[] }>(url, 'GET', `/plans?depotId=${depotId}${day ? `&date=${day}` : ''}`, token);
  if (plans.items.some((plan) => plan.status === 'dispatched')) return;
  let plan: { id: number; status: string } | undefined = day ? plans.items.find((candidate) => ['queued', 'running', 'succeeded'].includes(candidate.status)) : undefined;
  if (!plan) {
    const orders = await call<{ items: { timeWindows: { start: string }[] }[] }>(url, 'GET', `/orders?status=ready&depotId=${depotId}&limit=1`, token);
    const firstWindow = orders.items[0]?.timeWindows[0];
    if (!day && !firstWindow) return;
    // Windows are local ISO times with their offset: the first ten characters are the depot's date.
    const date = day ?? firstWindow!.start.slice(0, 10);
    log(`planning ${date} at depot ${depotId}`);
    plan = await call<{ id: number; status: string }>(url, 'POST', '/plans', token, { depotId, date, timeLimitSeconds: planSeconds });
  }
  while (plan.status === 'queued' || plan.status === 'running') {
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
    plan = await call<{ id: number; status: string }>(url, 'GET', `/plans/${plan.id}`, token);
  }
  if (plan.status !== 'succeeded') throw new Error(`plan ${plan.id} ended ${plan.status}`);
  // The demo drives whatever was planned; orders left out stay listed on the plan.
  await call(url, 'POST', `/plans/${plan.id}/dispatch`, token, { confirm: true });
  log(`dispatched plan ${plan.id}`);
}

export async function runSimulation(input: SimulationInput): Promise<DriverSummary[]> {
  const { options } = input;
  if (input.office) await ensureDispatched(options.url, await login(options.url, input.office), options.signal, options.log, input.date, input.planSeconds);
  return Promise.all(
    input.drivers.map(async (driver) => {
      const token = await login(options.url, driver);
      const log = (message: string) => options.log?.(`${driver.username}: ${message}`);
      // Once this run made sure the day is dispatched, a van left out of the plan does not wait for one.
      return runDriver(token, { ...options, log, waitForRoute: !input.office });
    }),
  );
}
