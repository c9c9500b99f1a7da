import { describe, expect, it } from 'vitest';
import { citationFor } from '../../src/server/domains/development/development.workbench';

// The 工作台 cites, per group of development deadlines, the clause of the
// rule version's citation that the kind rests on.

const SOURCE = '《细则》(2014)：年满十八岁；收到入党申请书后一个月内派人谈话；上级党委审批一般在3个月内；转正审批在3个月内。';

describe('citationFor', () => {
  it('keeps the document and picks the clause naming the kind', () => {
    expect(citationFor(SOURCE, 'talk')).toBe('《细则》(2014)：收到入党申请书后一个月内派人谈话');
    expect(citationFor(SOURCE, 'approval')).toBe('《细则》(2014)：上级党委审批一般在3个月内');
    expect(citationFor(SOURCE, 'conversion_approval')).toBe('《细则》(2014)：转正审批在3个月内');
  });

  it('falls back to the whole citation when no clause names the kind', () => {
    expect(citationFor(SOURCE, 'thought_report')).toBe(SOURCE);
    expect(citationFor(SOURCE, 'probation_end')).toBe(SOURCE);
    expect(citationFor('没有分句的依据', 'talk')).toBe('没有分句的依据');
  });
});
