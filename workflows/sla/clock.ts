/**
 * SLA clock state machine: one deadline with an optional warning before it.
 *
 * Pure: every function takes the current time as an argument and returns a new state
 * object; states are plain JSON so they survive continue-as-new.
 *
 *   running ──pause──▶ paused ──resume──▶ running
 *   running/paused ──satisfy──▶ satisfied
 *   running/paused ──cancel───▶ cancelled
 *   running ──markBreached──▶ breached
 *
 * A transition that does not apply to the clock's status returns the state unchanged, so
 * a late or repeated command (e.g. a duplicate signal) never fails the workflow. The one
 * exception is satisfying a breached clock: it stays breached and records `satisfiedAt`,
 * so late completions can still be measured.
 */
import type { z } from 'zod';
import type * as contract from '../contract/case';
import { addDuration, type BusinessCalendar, type Limit } from './calendar';

/** A clock's definition and its state; their shapes are declared in the contract (the case view shows every clock). */
export type ClockSpec = z.infer<typeof contract.ClockSpec>;
export type ClockState = z.infer<typeof contract.ClockState>;
export type ClockStatus = ClockState['status'];
export type WarnOffset = NonNullable<ClockSpec['warnBefore']>;

export type DueEvent = { name: string; kind: 'warn' | 'breach'; at: number };

function offsetMs(offset: WarnOffset): number {
  return (offset.hours ?? 0) * 3_600_000 + (offset.minutes ?? 0) * 60_000;
}

function computeWarnAt(spec: ClockSpec, startedAt: number, deadline: number, cal: BusinessCalendar): number | undefined {
  const candidates: number[] = [];
  if (spec.warnBefore) candidates.push(deadline - offsetMs(spec.warnBefore));
  if (spec.warnAfter) candidates.push(addDuration(startedAt, spec.warnAfter, cal));
  if (candidates.length === 0) return undefined;
  const warnAt = Math.max(startedAt, Math.min(...candidates));
  return warnAt < deadline ? warnAt : undefined;
}

export function startClock(spec: ClockSpec, nowMs: number, cal: BusinessCalendar): ClockState {
  const deadline = addDuration(nowMs, spec.limit, cal);
  const warnAt = computeWarnAt(spec, nowMs, deadline, cal);
  const state: ClockState = { ...spec, status: 'running', startedAt: nowMs, deadline, warned: false };
  if (warnAt !== undefined) state.warnAt = warnAt;
  return state;
}

export function pauseClock(s: ClockState, now: number): ClockState {
  if (s.status !== 'running') return s;
  return { ...s, status: 'paused', pausedAt: now, remainingMs: Math.max(0, s.deadline - now) };
}

/**
 * Resumes with the time that was left when paused: the deadline (and the warning) move
 * later by the length of the pause. Working-day deadlines are not re-derived from the
 * calendar; the remaining wall-clock time is kept.
 */
export function resumeClock(s: ClockState, now: number): ClockState {
  if (s.status !== 'paused' || s.pausedAt === undefined || s.remainingMs === undefined) return s;
  const shift = now - s.pausedAt;
  const { pausedAt: _pausedAt, remainingMs, ...rest } = s;
  const resumed: ClockState = { ...rest, status: 'running', deadline: now + remainingMs };
  if (s.warnAt !== undefined) resumed.warnAt = s.warnAt + shift;
  return resumed;
}

export function satisfyClock(s: ClockState, now: number): ClockState {
  if (s.status === 'breached' && s.satisfiedAt === undefined) return { ...s, satisfiedAt: now };
  if (s.status !== 'running' && s.status !== 'paused') return s;
  return { ...withoutPause(s), status: 'satisfied', satisfiedAt: now };
}

export function cancelClock(s: ClockState, now: number): ClockState {
  if (s.status !== 'running' && s.status !== 'paused') return s;
  return { ...withoutPause(s), status: 'cancelled', cancelledAt: now };
}

/**
 * Gives a clock more time: a running clock's deadline moves later by `by` (working days by the calendar); a paused one
 * keeps the extra time for when it resumes (hours and minutes only: working days count from a date). Other states
 * are returned unchanged.
 */
export function extendClock(s: ClockState, by: Limit, cal: BusinessCalendar): ClockState {
  if (s.status === 'running') return { ...s, deadline: addDuration(s.deadline, by, cal) };
  if (s.status === 'paused' && s.remainingMs !== undefined && !('workingDays' in by)) return { ...s, remainingMs: s.remainingMs + addDuration(0, by, cal) };
  return s;
}

/**
 * A running clock under a new limit (e.g. a ticket's priority changed): counted from where it counted from (its start,
 * or countedFrom), with its warning recomputed; a deadline already past breaches at once.
 */
export function retimeClock(s: ClockState, limit: Limit, cal: BusinessCalendar): ClockState {
  if (s.status !== 'running') return s;
  const deadline = addDuration(s.countedFrom ?? s.startedAt, limit, cal);
  const { warnAt: _previous, ...rest } = s;
  const warnAt = computeWarnAt({ ...s, limit }, s.startedAt, deadline, cal);
  return { ...rest, limit, deadline, ...(warnAt !== undefined && { warnAt }) };
}

export function markWarned(s: ClockState): ClockState {
  if (s.status !== 'running' || s.warned) return s;
  return { ...s, warned: true };
}

export function markBreached(s: ClockState, now: number): ClockState {
  if (s.status !== 'running') return s;
  return { ...s, status: 'breached', breachedAt: now };
}

/**
 * The earliest pending event among running clocks, or undefined when nothing is pending.
 * A warning is pending until marked, except that a clock already past its deadline at
 * `now` skips its warning and goes straight to the breach. Ties go warn-first, then by name.
 */
export function nextDue(states: readonly ClockState[], now: number): DueEvent | undefined {
  let best: DueEvent | undefined;
  for (const s of states) {
    if (s.status !== 'running') continue;
    const warnPending = !s.warned && s.warnAt !== undefined && now < s.deadline;
    const event: DueEvent = warnPending
      ? { name: s.name, kind: 'warn', at: s.warnAt as number }
      : { name: s.name, kind: 'breach', at: s.deadline };
    if (best === undefined || compareDue(event, best) < 0) best = event;
  }
  return best;
}

function compareDue(a: DueEvent, b: DueEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.kind !== b.kind) return a.kind === 'warn' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function withoutPause(s: ClockState): ClockState {
  const { pausedAt: _pausedAt, remainingMs: _remainingMs, ...rest } = s;
  return rest;
}
