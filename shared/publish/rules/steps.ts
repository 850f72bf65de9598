/**
 * The step catalog (specs/publish.md 3.2) and which steps an operation runs (3.1): certification before preview
 * for most offer types, inside the go-live operation for SaaS and Azure applications (A8); lead management
 * validation only when the offer has a lead destination.
 */
import type { CertificationPlacement, Step, StepId } from '../model';

interface StepInfo {
  stepName: string;
  description: string;
  estimatedTimeFrame: string;
  estimatedSeconds: number;
  phase: Step['phase'];
}

export const STEP_CATALOG: Readonly<Record<StepId, StepInfo>> = {
  displaydummycertify: {
    stepName: 'Validate Pre-Requisites',
    description: 'Offer settings provided are validated.',
    estimatedTimeFrame: '< 15 min',
    estimatedSeconds: 900,
    phase: 'automatedValidation',
  },
  'package-validation': {
    stepName: 'Package validation',
    description: 'Packages, images and documents are checked: integrity, required files, size and type.',
    estimatedTimeFrame: '< 15 min',
    estimatedSeconds: 900,
    phase: 'automatedValidation',
  },
  'lead-management-validation': {
    stepName: 'Lead management validation and registration',
    description: 'A test lead is sent to the lead destination.',
    estimatedTimeFrame: '< 15 min',
    estimatedSeconds: 900,
    phase: 'automatedValidation',
  },
  displaycertify: {
    stepName: 'Certification',
    description: 'The offer is certified against the marketplace policies.',
    estimatedTimeFrame: '~2-3 days',
    estimatedSeconds: 172_800,
    phase: 'certification',
  },
  'preview-creation': {
    stepName: 'Preview creation',
    description: 'The preview is created for the preview audience.',
    estimatedTimeFrame: '< 1 hour',
    estimatedSeconds: 3_600,
    phase: 'preview',
  },
  'publisher-signoff': {
    stepName: 'Publisher signoff',
    description: 'Review the preview and select Go live when you are ready.',
    estimatedTimeFrame: '< 1 hour',
    estimatedSeconds: 0,
    phase: 'signoff',
  },
  'final-publish': {
    stepName: 'Final publish',
    description: 'The offer becomes publicly available.',
    estimatedTimeFrame: '< 30 min',
    estimatedSeconds: 1_800,
    phase: 'publish',
  },
  live: {
    stepName: 'Live',
    description: 'Offer is publicly visible and is available for purchase.',
    estimatedTimeFrame: '4-6 hours',
    estimatedSeconds: 14_400,
    phase: 'publish',
  },
  'stop-distribution': {
    stepName: 'Stop distribution',
    description: 'New customers can no longer find or buy the offer; existing customers keep using it.',
    estimatedTimeFrame: 'a few hours',
    estimatedSeconds: 10_800,
    phase: 'publish',
  },
};

const AFTER_SIGNOFF: readonly string[] = ['microsoft-saas', 'microsoft-azure-applications'];

export function certificationPlacement(offerTypeId: string): CertificationPlacement {
  return AFTER_SIGNOFF.includes(offerTypeId) ? 'afterSignoff' : 'beforePreview';
}

export interface PlanFacts {
  offerTypeId: string;
  /** The frozen version names a lead destination other than None. */
  hasLeadDestination: boolean;
}

export function newStep(id: StepId): Step {
  const info = STEP_CATALOG[id];
  return { id, ...info, status: 'notStarted', messages: [], progressPercentage: 0 };
}

/** The publish (to preview) operation's steps, in order. */
export function publishStepIds(facts: PlanFacts): StepId[] {
  const ids: StepId[] = ['displaydummycertify', 'package-validation'];
  if (facts.hasLeadDestination) ids.push('lead-management-validation');
  if (certificationPlacement(facts.offerTypeId) === 'beforePreview') ids.push('displaycertify');
  ids.push('preview-creation', 'publisher-signoff');
  return ids;
}

/** The go-live operation's steps, in order. */
export function goLiveStepIds(offerTypeId: string): StepId[] {
  const ids: StepId[] = [];
  if (certificationPlacement(offerTypeId) === 'afterSignoff') ids.push('displaycertify');
  ids.push('final-publish', 'live');
  return ids;
}

/** A step's simulated duration on the project clock, in milliseconds (the documented time × the scale; decision 0601). */
export function simulatedMs(estimatedSeconds: number, scale: number): number {
  const ms = Math.round(estimatedSeconds * scale * 1000);
  return ms > 0 ? ms : 0; // a negative or NaN scale (or duration) waits nothing
}
