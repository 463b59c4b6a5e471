import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_TEMPLATE_ID, REPORT_PLACEHOLDERS } from '../../shared/domain/event';
import { localDateTime } from '../../shared/localTime';
import { T0, codeOf, tempStores } from '../telephony/telephonyFixture.test-support';
import { fields } from './eventFixture.test-support';
import { EventReports, renderTemplate, reportValues } from './eventReports';
import { EventStore } from './eventStore';

const stores = tempStores();
afterEach(() => stores.cleanup());

function setup() {
  const { db } = stores.fresh();
  const events = new EventStore(db, { seatId: 's', now: () => T0 });
  const reports = new EventReports(db, () => T0 + 60_000);
  return { db, events, reports };
}

describe('EventReports templates', () => {
  it('has the built-in 快报 from the start, keeps it edited across restarts, and never deletes it', () => {
    const { db, reports } = setup();
    const [builtin] = reports.list();
    expect(builtin).toMatchObject({ id: DEFAULT_REPORT_TEMPLATE_ID, name: '煤矿安全生产事故快报', builtin: true });
    expect(builtin!.body).toContain('{{伤亡情况}}');
    reports.save({ id: DEFAULT_REPORT_TEMPLATE_ID, name: '煤矿安全生产事故快报', body: '改过的 {{类型}}' });
    expect(new EventReports(db).get(DEFAULT_REPORT_TEMPLATE_ID).body).toBe('改过的 {{类型}}');
    expect(codeOf(() => reports.delete(DEFAULT_REPORT_TEMPLATE_ID))).toBe('bad-request');
  });

  it('adds, renames and deletes an operator’s template; names are unique', () => {
    const { reports } = setup();
    const mine = reports.save({ name: '简报', body: '{{煤矿}}发生{{类型}}' });
    expect(mine).toMatchObject({ name: '简报', builtin: false, updatedAt: T0 + 60_000 });
    expect(reports.list().map((t) => t.name)).toEqual(['煤矿安全生产事故快报', '简报']);
    expect(codeOf(() => reports.save({ name: '煤矿安全生产事故快报', body: '' }))).toBe('conflict');
    expect(codeOf(() => reports.save({ id: 'nope', name: 'x', body: '' }))).toBe('not-found');
    expect(codeOf(() => reports.save({ name: '  ', body: '' }))).toBe('bad-request');
    expect(reports.save({ id: mine.id, name: '简报二', body: 'x' }).name).toBe('简报二');
    expect(reports.delete(mine.id)).toBe(true);
    expect(reports.delete(mine.id)).toBe(false);
  });
});

describe('rendering a 快报', () => {
  it('fills every placeholder of the built-in template from the event', () => {
    const { events, reports } = setup();
    const event = events.create(fields({ cause: '', links: [{ kind: 'alarm', id: 'a1', label: '报警一' }, { kind: 'call', id: 'c1', label: '通话一' }, { kind: 'videoRecording', id: 'v1', label: '录像' }] }), 'op');
    const report = reports.render(event, { templateId: DEFAULT_REPORT_TEMPLATE_ID }, '长治市应急指挥中心');
    expect(report.unknown).toEqual([]);
    expect(report.text).not.toMatch(/\{\{/);
    expect(report.text).toContain(`一、事故发生时间：${localDateTime(event.occurredAt)}`);
    expect(report.text).toContain('四、事故类型：瓦斯超限（较大）');
    expect(report.text).toContain('七、初步原因：（暂无）');
    expect(report.text).toContain('关联报警 1 条，关联通话 1 次，关联录音 1 段');
    expect(report.text).toContain(`报告时间：${localDateTime(T0 + 60_000)}`);
    expect(report.fileName).toBe(`煤矿安全生产事故快报-瓦斯超限-${localDateTime(event.occurredAt).slice(0, 10)}.txt`);
  });

  it('renders a body being edited, leaving unknown placeholders as written and naming them', () => {
    const { events, reports } = setup();
    const event = events.create(fields(), 'op');
    const report = reports.render(event, { body: '{{ 煤矿 }}：{{未知}} {{类型}}{{未知}} {{a}}b}} {{}}' }, '单位');
    expect(report.text).toBe('王庄煤矿：{{未知}} 瓦斯超限{{未知}} {{a}}b}} {{}}');
    expect(report.unknown).toEqual(['未知', 'a']);
    expect(codeOf(() => reports.render(event, { templateId: 'nope' }, ''))).toBe('not-found');
  });

  it('offers a value for every documented placeholder and only substitutes (no code)', () => {
    const { events } = setup();
    const values = reportValues(events.create(fields(), 'op'), '单位', T0);
    expect(Object.keys(values).sort()).toEqual(Object.keys(REPORT_PLACEHOLDERS).sort());
    expect(renderTemplate('{{constructor}} {{__proto__}} {{toString}}', values)).toEqual({
      text: '{{constructor}} {{__proto__}} {{toString}}',
      unknown: ['constructor', '__proto__', 'toString'],
    });
    expect(renderTemplate('{{描述}}', { 描述: '$& $1 {{类型}}' }).text).toBe('$& $1 {{类型}}');
  });
});
