import { describe, expect, it } from 'vitest';
import { childElement, childElements, childText, escapeXml, parseXml, XmlParseError } from './isapiXml';

describe('isapiXml', () => {
  it('reads a camera reply: prolog, namespace, nested elements, entities, comments, CDATA', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- reply -->\n<PTZPresetList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n' +
        '  <PTZPreset><id> 7 </id><presetName>Bay &amp; Bench &#x4E95;&#21475;</presetName><enabled>true</enabled></PTZPreset>\n' +
        '  <hik:PTZPreset xmlns:hik="x"><id>8</id><presetName><![CDATA[<raw> & text]]></presetName></hik:PTZPreset>\n' +
        '  <Empty/>\n</PTZPresetList>\n',
    );
    expect(root.name).toBe('PTZPresetList');
    expect(root.attributes.version).toBe('2.0');
    const presets = childElements(root, 'PTZPreset');
    expect(presets).toHaveLength(2);
    expect(childText(presets[0]!, 'id')).toBe('7');
    expect(childText(presets[0]!, 'presetName')).toBe('Bay & Bench 井口');
    expect(childText(presets[1]!, 'presetName')).toBe('<raw> & text');
    expect(childElement(root, 'Empty')?.children).toEqual([]);
    expect(childText(root, 'missing')).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['text only', 'not xml'],
    ['unclosed', '<PTZData><pan>1</pan>'],
    ['mismatched', '<PTZData><pan>1</tilt></PTZData>'],
    ['two roots', '<a/><b/>'],
    ['text after root', '<a/>junk'],
    ['unknown entity', '<a>&nbsp;</a>'],
    ['DTD', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['bad attribute', '<a b=c/>'],
    ['unterminated comment', '<a><!-- x</a>'],
    ['truncated', '<PTZData><pan>1</pan></PTZDa'],
  ])('rejects malformed XML: %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlParseError);
  });

  it('rejects oversized documents', () => {
    expect(() => parseXml(`<a>${'x'.repeat(300 * 1024)}</a>`)).toThrow(XmlParseError);
  });

  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(childText(parseXml(`<n>${escapeXml('1 < 2 & "3"')}</n>`), 'x')).toBeUndefined();
    expect(parseXml(`<n>${escapeXml('1 < 2 & "3"')}</n>`).text).toBe('1 < 2 & "3"');
  });
});
