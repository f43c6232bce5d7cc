import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from '../../src/twilio/segments.js';

describe('countSegments', () => {
  it('GSM-7: 160 in one segment, 161 in two of 153', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('GSM-7 extension characters count 2 and are never split', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments(`${'a'.repeat(159)}{`)).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    // 152 plain + one escape pair (306 septets would fit 2×153 if split): the pair moves to segment 2.
    expect(countSegments(`${'a'.repeat(152)}^${'a'.repeat(151)}`).segments).toBe(2);
    expect(countSegments(`${'a'.repeat(152)}^${'a'.repeat(152)}`).segments).toBe(3);
    expect(isGsm7('Price: 10€ [net] ~ {x} | \\ ^')).toBe(true);
  });

  it('GSM-7 basic set includes accented Latin letters and Greek capitals', () => {
    expect(countSegments('Ça coûte').encoding).toBe('UCS-2'); // û is not in GSM-7
    expect(countSegments('Ça va? ÄÖÜ äöü ñ à é è ΔΦΓ £¥§¿¡').encoding).toBe('GSM-7');
  });

  it('UCS-2: 70 in one segment, 71 in two of 67', () => {
    expect(countSegments('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('ж'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(countSegments('ж'.repeat(134)).segments).toBe(2);
    expect(countSegments('ж'.repeat(135)).segments).toBe(3);
  });

  it('UCS-2: an emoji is a surrogate pair (2 units) and is never split', () => {
    expect(countSegments('👍')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(countSegments('👍'.repeat(35)).segments).toBe(1);
    expect(countSegments('👍'.repeat(36)).segments).toBe(2);
    // 66 units then a pair: 68 > 67, so the pair starts segment 2.
    expect(countSegments(`${'ж'.repeat(66)}👍${'ж'.repeat(10)}`).segments).toBe(2);
    expect(countSegments(`${'ж'.repeat(66)}👍${'ж'.repeat(66)}`).segments).toBe(3);
  });

  it('one non-GSM character switches the whole body to UCS-2', () => {
    expect(countSegments(`${'a'.repeat(100)}😀`)).toEqual({ encoding: 'UCS-2', units: 102, segments: 2 });
    expect(countSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
  });
});
