// SPDX-License-Identifier: AGPL-3.0-or-later
// The people the signed-in user works with (GET /api/v1/team), loaded once per
// session and shared by every screen that names users (owners, assignees,
// substitutes). A manager gets only himself; a head his department; the
// director and admins everyone.
import { useEffect, useState } from 'preact/hooks';
import { api, type ActivityReason, type Page, type TeamMember } from './api';

let cache: Promise<TeamMember[]> | null = null;
let cachedFor: number | null = null;

export function loadTeam(userId: number): Promise<TeamMember[]> {
  if (!cache || cachedFor !== userId) {
    cachedFor = userId;
    cache = api.get<Page<TeamMember>>('team').then(
      (r) => r.data.items ?? [],
      (e) => {
        cache = null;
        throw e;
      },
    );
  }
  return cache;
}

export function forgetTeam(): void {
  cache = null;
  cachedFor = null;
}

/** The team, [] until it is loaded (or when it cannot be). */
export function useTeam(userId: number): TeamMember[] {
  const [team, setTeam] = useState<TeamMember[]>([]);
  useEffect(() => {
    let live = true;
    loadTeam(userId)
      .then((t) => live && setTeam(t))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [userId]);
  return team;
}

/** People who may own clients (managers and heads). */
export function owners(team: TeamMember[]): TeamMember[] {
  return team.filter((m) => m.role === 'manager' || m.role === 'head');
}

export function nameOf(team: TeamMember[], id: number | null | undefined): string | null {
  if (id == null) return null;
  return team.find((m) => m.id === id)?.name ?? null;
}

// The inbound-contact reasons (GET /api/v1/activity-reasons), once a session.
let reasons: Promise<ActivityReason[]> | null = null;

export function useActivityReasons(): ActivityReason[] {
  const [list, setList] = useState<ActivityReason[]>([]);
  useEffect(() => {
    let live = true;
    reasons ??= api.get<Page<ActivityReason>>('activity-reasons').then(
      (r) => r.data.items ?? [],
      (e) => {
        reasons = null;
        throw e;
      },
    );
    reasons.then((l) => live && setList(l)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return list;
}
