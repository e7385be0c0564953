/**
 * Sentiment of evidence and human notes: AFINN-165 through the `sentiment` package (MIT, no
 * dependencies, plain JS that bundles for the browser and runs in Node), extended with a
 * billing-risk vocabulary. AFINN scores single words from −5 to +5; billing trouble often hides
 * in words it rates mildly or not at all (chargeback, duplicate) and in phrases it cannot see
 * (charged twice), so both are added here. Polarity is the sign of the total; risk counts the
 * billing-risk terms, the strongest of which (chargeback, fraud, dispute, legal) alone make it high.
 */
import Sentiment from 'sentiment';
import { z } from 'zod';

/** Single words added to AFINN (or overriding it) for billing. */
export const BILLING_LEXICON: Readonly<Record<string, number>> = {
  chargeback: -4,
  chargebacks: -4,
  fraud: -4,
  fraudulent: -4,
  dispute: -3,
  disputes: -3,
  disputed: -3,
  unauthorized: -3,
  unauthorised: -3,
  overcharged: -3,
  overcharge: -2,
  overbilled: -3,
  duplicate: -2,
  duplicated: -2,
  escalate: -2,
  escalated: -2,
  escalation: -2,
  legal: -2,
  lawyer: -3,
  churn: -2,
  cancel: -1,
  urgent: -1,
  threatened: -2,
  threatening: -2,
  complained: -2,
  unhappy: -2,
  mistake: -2,
  outage: -1
};

/** Phrases AFINN's word tokens miss, each scored once per occurrence. */
export const BILLING_PHRASES: Readonly<Record<string, number>> = {
  'charged twice': -3,
  'billed twice': -3,
  'double charged': -3,
  'double charge': -3,
  'without ticket': -2,
  'no approval': -2,
  'approval pending': -1,
  'not authorized': -3
};

/** Terms that alone make the risk high. */
const HIGH_RISK = new Set([
  'chargeback',
  'chargebacks',
  'fraud',
  'fraudulent',
  'dispute',
  'disputes',
  'disputed',
  'legal',
  'lawyer',
  'unauthorized',
  'unauthorised'
]);
const RISK_TERMS = new Set([
  ...HIGH_RISK,
  'overcharged',
  'overcharge',
  'overbilled',
  'duplicate',
  'duplicated',
  'escalate',
  'escalated',
  'escalation',
  'churn',
  'threatened',
  'threatening',
  'furious',
  'angry',
  ...Object.keys(BILLING_PHRASES)
]);

export const lineSentimentSchema = z.object({
  source: z.string(),
  text: z.string(),
  score: z.number(),
  riskTerms: z.array(z.string())
});
export type LineSentiment = z.infer<typeof lineSentimentSchema>;

export const sentimentResultSchema = z.object({
  /** Sum of the line scores. */
  score: z.number(),
  /** Score per token, comparable across lengths. */
  comparative: z.number(),
  polarity: z.enum(['negative', 'neutral', 'positive']),
  risk: z.enum(['low', 'medium', 'high']),
  riskTerms: z.array(z.string()),
  lines: z.array(lineSentimentSchema)
});
export type SentimentResult = z.infer<typeof sentimentResultSchema>;
export type Polarity = SentimentResult['polarity'];
export type RiskLevel = SentimentResult['risk'];

const analyzer = new Sentiment();

/** One line: AFINN + the billing words, plus the phrases. */
export function scoreLine(text: string): { score: number; tokens: number; riskTerms: string[] } {
  const lower = text.toLowerCase();
  const result = analyzer.analyze(lower, { extras: { ...BILLING_LEXICON } });
  let score = result.score;
  const terms = new Set(result.words.filter((w) => RISK_TERMS.has(w)));
  for (const [phrase, value] of Object.entries(BILLING_PHRASES)) {
    const count = lower.split(phrase).length - 1;
    if (count > 0) {
      score += value * count;
      terms.add(phrase);
    }
  }
  return { score, tokens: Math.max(result.tokens.length, 1), riskTerms: [...terms].sort() };
}

/** Sentiment over lines of text (evidence, notes), each named by its source. */
export function analyzeSentiment(
  lines: readonly { source: string; text: string }[]
): SentimentResult {
  let score = 0;
  let tokens = 0;
  const allTerms = new Set<string>();
  const scored = lines
    .filter((l) => l.text.trim() !== '')
    .map((l) => {
      const s = scoreLine(l.text);
      score += s.score;
      tokens += s.tokens;
      s.riskTerms.forEach((t) => allTerms.add(t));
      return { source: l.source, text: l.text, score: s.score, riskTerms: s.riskTerms };
    });
  const riskTerms = [...allTerms].sort();
  return {
    score,
    comparative: tokens === 0 ? 0 : Math.round((score / tokens) * 1000) / 1000,
    polarity: score <= -2 ? 'negative' : score >= 2 ? 'positive' : 'neutral',
    risk: riskLevel(score, riskTerms),
    riskTerms,
    lines: scored
  };
}

export function riskLevel(score: number, riskTerms: readonly string[]): RiskLevel {
  if (riskTerms.some((t) => HIGH_RISK.has(t)) || score <= -6) return 'high';
  if (riskTerms.length > 0 || score <= -3) return 'medium';
  return 'low';
}
