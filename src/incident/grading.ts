/**
 * Grading questions: yes/no questions, each naming the lowest grade a "yes" implies; the grade is
 * the highest implied (none: 一般). They paraphrase the kinds of criteria in the grading guide
 * annexed to the national reporting measures for a government website; the thresholds there (hours
 * unreachable, page views, people affected) are the authority and are quoted to the responder as
 * "as defined in the guide", not re-typed here.
 */
import { GRADES, type Bilingual, type Grade } from './clock.js';

export interface GradingQuestion {
  id: string;
  grade: Grade;
  text: Bilingual;
}

export const GRADING_QUESTIONS: readonly GradingQuestion[] = [
  {
    id: 'national-scale',
    grade: 'especially_major',
    text: {
      zh: '是否造成特别严重影响：关键信息基础设施整体中断、系统大面积瘫痪，或海量数据/核心数据泄露、有害信息特大范围传播（达到分级指南“特别重大”标准）？',
      en: 'Especially serious impact: critical infrastructure down as a whole, large-scale paralysis, or massive/core data leaked, harmful content spread on a national scale (the guide\'s "especially major" criteria)?',
    },
  },
  {
    id: 'provincial-portal-or-important-data',
    grade: 'major',
    text: {
      zh: '是否涉及省级以上党政机关门户网站长时间不能访问或被篡改传播有害信息，或重要数据、大量个人信息泄露（达到分级指南“重大”标准）？',
      en: 'A provincial-or-higher government portal unreachable for long or defaced with harmful content, or important data / large amounts of personal data leaked (the guide\'s "major" criteria)?',
    },
  },
  {
    id: 'municipal-portal-or-personal-data',
    grade: 'larger',
    text: {
      zh: '是否涉及地市级以上党政机关门户网站不能访问或被篡改且公众可见，或较多个人信息泄露、业务明显中断（达到分级指南“较大”标准）？',
      en: 'A municipal-or-higher government portal unreachable or visibly defaced, or a notable personal-data leak or service disruption (the guide\'s "larger" criteria)?',
    },
  },
  {
    id: 'ransomware-or-spreading',
    grade: 'larger',
    text: {
      zh: '是否为勒索软件攻击，或攻击仍在扩散到其他系统？',
      en: 'Is it ransomware, or is the attack still spreading to other systems?',
    },
  },
];

export function gradeFromAnswers(answers: Readonly<Record<string, boolean>>): Grade {
  let g = 0;
  for (const q of GRADING_QUESTIONS) if (answers[q.id]) g = Math.max(g, GRADES.indexOf(q.grade));
  return GRADES[g]!;
}
