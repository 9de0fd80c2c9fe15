/** Shapes of the API answers the workbench reads (see /api/docs/json). */

// Claims: generated from the OpenAPI document (api/types.ts); re-exported for the pages not moved yet.
export type { ClaimDetail, ClaimLine, ClaimSummary, MaterialItem, Person } from './api/types.ts';

export interface TrainingClass {
  id: number;
  regionCode: string;
  institutionId: number;
  classCode: string | null;
  name: string;
  occupationCode: string;
  level: string;
  subsidyKind: string;
  capacity: number;
  startsAt: string;
  endsAt: string;
  status: string;
  filedAt: string;
  approvedAt: string | null;
  decisionNote: string | null;
  isFiled: boolean;
  teachers?: { name: string; qualification?: string }[];
  sessions?: {
    id: number;
    sessionNumber: number;
    startsAt: string;
    endsAt: string;
    mode: string;
    classHours: number;
    topic: string;
    location: string | null;
  }[];
}
