import { describe, expect, it } from 'vitest';
import {
  BULLMQ_PRIORITIES,
  GenerateCellPayloadSchema,
  QUEUES,
  QUEUE_NAMES,
  ScoreResponsePayloadSchema,
  backoffDelayMs,
  jobIdFor,
  jobIdPrefix,
  retryPolicyFor,
} from '../../src/jobs/queues.js';
import { selectorMatcher } from '../../src/jobs/run-job.js';

describe('queue contracts', () => {
  it('when ids are derived, then they come from domain ids only and repeat exactly', () => {
    const payload = { batchId: 12, combinationId: 7, iteration: 2 };
    expect(jobIdFor('generate-cell', payload)).toBe('generate-cell.12.7.2');
    expect(jobIdFor('generate-cell', { ...payload })).toBe(jobIdFor('generate-cell', payload));
    // One job per rescore request and response: the same request never scores twice, a later
    // request scores again.
    expect(jobIdFor('score-response', { responseId: 42, requestId: 'r1' })).toBe(
      'score-response.r1.42',
    );
    expect(jobIdFor('score-response', { responseId: 42, method: 'hybrid', requestId: 'r2' })).toBe(
      'score-response.r2.42',
    );
  });

  it('when ids are derived, then they never contain ":" (BullMQ refuses such custom ids)', () => {
    expect(jobIdFor('generate-cell', { batchId: 1, combinationId: 2, iteration: 3 })).not.toContain(
      ':',
    );
  });

  it("when a batch prefix is built, then it matches that batch's ids and not a longer batch id", () => {
    const matches = selectorMatcher({ idPrefix: jobIdPrefix('generate-cell', 1) });
    expect(jobIdPrefix('generate-cell', 12)).toBe('generate-cell.12.');
    expect(matches('generate-cell.1.3.1')).toBe(true);
    expect(matches('generate-cell.12.3.1')).toBe(false);
    expect(matches('generate-cell.11.1.1')).toBe(false);
  });

  it('when an empty id prefix is given, then cancel refuses it rather than matching everything', () => {
    expect(() => selectorMatcher({ idPrefix: '' })).toThrow(/must not be empty/);
  });

  it('when priorities are mapped, then high has the lowest BullMQ number and none is 0', () => {
    expect(BULLMQ_PRIORITIES.high).toBeLessThan(BULLMQ_PRIORITIES.normal);
    expect(BULLMQ_PRIORITIES.normal).toBeLessThan(BULLMQ_PRIORITIES.low);
    expect(Object.values(BULLMQ_PRIORITIES).every((p) => Number.isInteger(p) && p >= 1)).toBe(true);
  });

  it('when payloads are parsed, then ids must be positive integers and methods known', () => {
    expect(
      GenerateCellPayloadSchema.safeParse({ batchId: 1, combinationId: 1, iteration: 1 }).success,
    ).toBe(true);
    expect(
      GenerateCellPayloadSchema.safeParse({ batchId: 1.5, combinationId: 1, iteration: 1 }).success,
    ).toBe(false);
    expect(
      GenerateCellPayloadSchema.safeParse({ batchId: '1', combinationId: 1, iteration: 1 }).success,
    ).toBe(false);
    expect(
      ScoreResponsePayloadSchema.safeParse({ responseId: 3, method: 'llm_judge', requestId: 'a' })
        .success,
    ).toBe(true);
    expect(
      ScoreResponsePayloadSchema.safeParse({ responseId: 3, method: 'vibes', requestId: 'a' })
        .success,
    ).toBe(false);
    // The request id becomes part of a Redis job id: no separators.
    expect(ScoreResponsePayloadSchema.safeParse({ responseId: 3, requestId: 'a:b' }).success).toBe(
      false,
    );
  });

  it('when a retry policy is resolved, then overrides replace only the fields given', () => {
    expect(retryPolicyFor('generate-cell')).toEqual(QUEUES['generate-cell'].retry);
    expect(retryPolicyFor('generate-cell', { backoffMs: 10 })).toEqual({
      attempts: QUEUES['generate-cell'].retry.attempts,
      backoffMs: 10,
    });
    expect(retryPolicyFor('score-response', { attempts: undefined })).toEqual(
      QUEUES['score-response'].retry,
    );
  });

  it('when backoff is computed, then it doubles per failed run like BullMQ exponential', () => {
    const policy = { attempts: 4, backoffMs: 1000 };
    expect([1, 2, 3].map((run) => backoffDelayMs(policy, run))).toEqual([1000, 2000, 4000]);
  });

  it('when queues are listed, then both job types exist', () => {
    expect(QUEUE_NAMES.sort()).toEqual(['generate-cell', 'score-response']);
  });
});
