import { describe, expect, it } from 'vitest';
import { inspectionText, type InspectionGlance } from './inspection-standing';

const glance = (over: Partial<InspectionGlance> = {}, standing: Partial<InspectionGlance['standing']> = {}): InspectionGlance => ({
  window: { id: 'cross-check', name: '交叉检查', nameEn: 'Cross-inspection', opens: '2026-09-07', closes: '2026-09-11' },
  group: { id: 'group-puyan', name: '浦沿街道检查组', nameEn: null },
  sampleStatus: 'drawn', resultsRecorded: 2, scoreRecorded: true, closed: false,
  ...over,
  standing: { recorded: true, sampled: 2, passing: 2, sampledPassRate: 1, score: 92, vetoFailed: [], disqualifiedBy: [], ...standing },
});

describe('the 总览 cell of a unit’s cross-inspection', () => {
  it('says nothing for a unit not inspected, and when the draw is still to come', () => {
    expect(inspectionText(null, 'zh')).toEqual({ text: '—', offList: false });
    expect(inspectionText(glance({ sampleStatus: null }), 'zh').text).toBe('待抽样（2026-09-07）');
    expect(inspectionText(glance({ sampleStatus: 'no-roster' }), 'en').text).toBe('No roster: nothing sampled');
  });
  it('gives what is recorded, the rate and the score; off the list by a veto or the rate', () => {
    expect(inspectionText(glance(), 'zh')).toEqual({ text: '已查 2/2，抽查合格率 100.0%，得分 92', offList: false });
    expect(inspectionText(glance({ closed: true }), 'en').text).toBe('2 of 2 checked, sampled pass rate 100.0%, score 92, passed');
    const veto = inspectionText(glance({}, { vetoFailed: ['major-incident-veto'], disqualifiedBy: ['veto-failed'] }), 'zh');
    expect(veto).toEqual({ text: '已查 2/2，抽查合格率 100.0%，得分 92，一票否决，不列入上报名单', offList: true });
    const rate = inspectionText(glance({ resultsRecorded: 1, scoreRecorded: false }, { passing: 1, sampledPassRate: 0.5, score: null, disqualifiedBy: ['sampled-pass-rate'] }), 'zh');
    expect(rate).toEqual({ text: '已查 1/2，抽查合格率 50.0%，不列入上报名单', offList: true });
  });
});
