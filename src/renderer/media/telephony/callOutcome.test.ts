import { describe, expect, it } from 'vitest';
import { finalOutcome, formatDuration, outcomeOfRejection } from './callOutcome';

describe('call outcomes', () => {
  it('maps final SIP responses to what the dispatcher reads', () => {
    expect(outcomeOfRejection(404)).toBe('not-found');
    expect(outcomeOfRejection(486)).toBe('busy');
    expect(outcomeOfRejection(603)).toBe('rejected');
    expect(outcomeOfRejection(480)).toBe('no-answer');
    expect(outcomeOfRejection(408)).toBe('no-answer');
    expect(outcomeOfRejection(487)).toBe('cancelled');
    expect(outcomeOfRejection(503)).toBe('failed');
  });

  it('answered calls stay answered unless they were dropped; unanswered incoming calls are missed', () => {
    expect(finalOutcome({ direction: 'out', answered: true, endedWith: null })).toBe('answered');
    expect(finalOutcome({ direction: 'out', answered: true, endedWith: 'cancelled' })).toBe('answered');
    expect(finalOutcome({ direction: 'out', answered: true, endedWith: 'dropped' })).toBe('dropped');
    expect(finalOutcome({ direction: 'in', answered: false, endedWith: null })).toBe('missed');
    expect(finalOutcome({ direction: 'in', answered: false, endedWith: 'rejected' })).toBe('rejected');
    expect(finalOutcome({ direction: 'out', answered: false, endedWith: null })).toBe('failed');
    expect(finalOutcome({ direction: 'out', answered: false, endedWith: 'not-found' })).toBe('not-found');
  });

  it('formats durations as mm:ss, or h:mm:ss from an hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_400)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
