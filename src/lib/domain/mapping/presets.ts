import type { TableName } from '../../../../workers/contracts/tables';
import { defaultRegionTable } from './regions';
import type { Transform } from './transforms';

/**
 * Known billing exports, as data: how each is recognised (its file name and the headers only
 * it has) and how its columns become the contract's tables. A preset is a suggestion the
 * mapping screen shows and a person may correct, never a silent rewrite.
 *
 * Stripe Dashboard exports carry amounts in decimal major units (`9.99`; only Sigma and the
 * API use minor units), timestamps in UTC without an offset, metadata as `<key> (metadata)`.
 * Facts: docs/EXPORTS.md.
 */

export type DerivationId =
  /** invoices.expected_amount from the subscription in force on the invoice date. */
  | 'expected_from_subscription'
  /** refunds.customer_id through the refunded payment. */
  | 'customer_through_payment';

export interface ColumnRule {
  /** Source headers that hold it, in order of preference (compared in normal form). */
  readonly from?: readonly string[];
  /** Metadata keys that hold it (`approved_by (metadata)`), when no header above is present. */
  readonly metadata?: readonly string[];
  /** The metadata key wins over the headers (a company's own sales region over a card country). */
  readonly metadataFirst?: boolean;
  /** A fixed value, when the export implies it (every Stripe payment is processed by Stripe). */
  readonly constant?: string;
  readonly transforms?: readonly Transform[];
  /** Filled after the load from other tables, when the file has no value for it. */
  readonly derived?: DerivationId;
}

/** Which source rows are rows of the output (the others are skipped and counted). */
export type RowFilter =
  | { readonly column: string; readonly oneOf: readonly string[] }
  | { readonly column: string; readonly sign: 'negative' | 'positive' };

export interface PresetOutput {
  readonly table: TableName;
  readonly columns: Readonly<Record<string, ColumnRule>>;
  readonly filter?: readonly RowFilter[];
  /** Plain words for a table built from another kind of row ("refunds from the balance history"). */
  readonly derivedFrom?: string;
  /**
   * A weaker source, used only when no file of the import gives this table as OpsIQ's own file
   * or through one of `unless` (preset ids).
   */
  readonly fallback?: { readonly caveat: string; readonly unless: readonly string[] };
  /** Source columns a derivation reads, kept beside the contract's until it has run. */
  readonly helpers?: Readonly<Record<string, ColumnRule>>;
  /** Id prefix for derived rows whose source id would clash (one refund per charge). */
  readonly idPrefix?: string;
}

export interface Preset {
  readonly id: string;
  readonly vendor: string;
  readonly label: string;
  readonly fileName: RegExp;
  /** Headers that together say "this export" (every one present, normal form). */
  readonly identifying: readonly string[];
  readonly outputs: readonly PresetOutput[];
}

const stripeCreated = ['Created (UTC)', 'Created date (UTC)', 'Created'];

const paymentStatus: Transform = {
  kind: 'words',
  map: {
    paid: 'completed',
    succeeded: 'completed',
    refunded: 'completed',
    failed: 'failed',
    requires_payment_method: 'failed',
    canceled: 'cancelled'
  }
};
const subscriptionStatus: Transform = {
  kind: 'words',
  map: { canceled: 'cancelled', incomplete_expired: 'cancelled' }
};
const customerStatus: Transform = {
  kind: 'words',
  map: { canceled: 'churned', cancelled: 'churned', trialing: 'active', past_due: 'active' }
};

export const presets: readonly Preset[] = [
  {
    id: 'stripe.customers',
    vendor: 'Stripe',
    label: 'Stripe customers export',
    fileName: /(^|[_-])customers?\b/i,
    identifying: ['id', 'Email', 'Card Address Country'],
    outputs: [
      {
        table: 'customers',
        columns: {
          customer_id: { from: ['id'] },
          customer_name: { from: ['Name', 'Description', 'Email'] },
          region: {
            from: ['Card Address Country', 'Card Issue Country', 'Country'],
            metadata: ['region', 'sales_region'],
            metadataFirst: true,
            transforms: [{ kind: 'region', map: defaultRegionTable() }]
          },
          plan_tier: { from: ['Plan'], metadata: ['plan_tier', 'tier', 'plan'] },
          status: { from: ['Status'], transforms: [customerStatus] }
        }
      }
    ]
  },
  {
    id: 'stripe.payments',
    vendor: 'Stripe',
    label: 'Stripe payments export',
    fileName: /payments?\b|charges?\b/i,
    identifying: ['id', 'Amount', 'Amount Refunded', 'Customer ID'],
    outputs: [
      {
        table: 'payments',
        columns: {
          payment_id: { from: ['id'] },
          invoice_id: { from: ['Invoice ID'] },
          customer_id: { from: ['Customer ID'] },
          payment_date: { from: stripeCreated },
          amount: { from: ['Amount'] },
          payment_processor: { constant: 'stripe' },
          status: { from: ['Status'], transforms: [paymentStatus] }
        }
      },
      {
        table: 'refunds',
        derivedFrom: 'refunds from the payments’ Amount Refunded',
        fallback: {
          caveat:
            'one refund per charge, from its Amount Refunded: two refunds of one charge look like one, so duplicate refunds cannot be seen',
          unless: ['stripe.balance_history']
        },
        idPrefix: 'refund-of-',
        filter: [{ column: 'Amount Refunded', sign: 'positive' }],
        columns: {
          refund_id: { from: ['id'] },
          customer_id: { from: ['Customer ID'] },
          refund_date: { from: ['Refunded date (UTC)', ...stripeCreated] },
          amount: { from: ['Amount Refunded'] },
          reason: { metadata: ['reason', 'refund_reason'] },
          processor: { constant: 'stripe' },
          linked_payment_id: { from: ['id'] }
        }
      }
    ]
  },
  {
    id: 'stripe.invoices',
    vendor: 'Stripe',
    label: 'Stripe invoices export',
    fileName: /invoices?\b/i,
    identifying: ['id', 'Customer', 'Amount Due', 'Total'],
    outputs: [
      {
        table: 'invoices',
        columns: {
          invoice_id: { from: ['id'] },
          customer_id: { from: ['Customer', 'Customer ID'] },
          invoice_date: { from: ['Date (UTC)', 'Finalized At (UTC)', ...stripeCreated] },
          billed_amount: { from: ['Total', 'Amount Due'] },
          expected_amount: {
            metadata: ['expected_amount', 'contract_amount'],
            derived: 'expected_from_subscription'
          },
          plan_tier_billed: { metadata: ['plan_tier_billed', 'tier', 'plan_tier', 'plan'] },
          status: { from: ['Status'] },
          note: { from: ['Description', 'Memo'], metadata: ['note'] }
        },
        helpers: { discount: { from: ['Total Discount Amount', 'Discount'] } }
      }
    ]
  },
  {
    id: 'stripe.subscriptions',
    vendor: 'Stripe',
    label: 'Stripe subscriptions export',
    fileName: /subscriptions?\b/i,
    identifying: ['id', 'Customer ID', 'Plan', 'Interval'],
    outputs: [
      {
        table: 'subscriptions',
        columns: {
          subscription_id: { from: ['id'] },
          customer_id: { from: ['Customer ID', 'Customer'] },
          plan_tier: { from: ['Plan', 'Product'], metadata: ['plan_tier', 'tier'] },
          start_date: {
            from: [
              'Start Date (UTC)',
              'Start (UTC)',
              'Current Period Start (UTC)',
              ...stripeCreated
            ]
          },
          monthly_price: {
            from: ['Amount'],
            transforms: [
              { kind: 'monthly', intervalColumn: 'Interval', intervalCountColumn: 'Interval Count' }
            ]
          },
          billing_status: { from: ['Status'], transforms: [subscriptionStatus] }
        }
      }
    ]
  },
  {
    id: 'stripe.balance_history',
    vendor: 'Stripe',
    label: 'Stripe balance history export',
    fileName: /balance[_ -]?history|balance[_ -]?transactions/i,
    identifying: ['id', 'Type', 'Source', 'Amount', 'Net'],
    outputs: [
      {
        table: 'refunds',
        derivedFrom: 'refunds from the balance history (rows of type refund)',
        filter: [{ column: 'Type', oneOf: ['refund', 'payment_refund'] }],
        columns: {
          refund_id: { from: ['id'] },
          customer_id: { derived: 'customer_through_payment' },
          refund_date: { from: stripeCreated },
          amount: { from: ['Amount'], transforms: [{ kind: 'negate' }] },
          reason: { metadata: ['reason', 'refund_reason'] },
          processor: { constant: 'stripe' },
          linked_payment_id: { from: ['Source'] },
          note: { from: ['Description'] }
        }
      }
    ]
  },
  {
    id: 'stripe.customer_balance',
    vendor: 'Stripe',
    label: 'Stripe customer balance transactions',
    fileName: /customer[_ -]?balance/i,
    identifying: ['id', 'Customer', 'Amount', 'Type', 'Ending Balance'],
    outputs: [
      {
        table: 'refunds',
        derivedFrom:
          'manual credits from customer balance adjustments (a negative amount is a credit)',
        filter: [
          { column: 'Type', oneOf: ['adjustment'] },
          { column: 'Amount', sign: 'negative' }
        ],
        columns: {
          refund_id: { from: ['id'] },
          customer_id: { from: ['Customer'] },
          refund_date: { from: stripeCreated },
          amount: { from: ['Amount'], transforms: [{ kind: 'negate' }] },
          reason: { constant: 'manual_credit' },
          processor: { constant: 'manual' },
          linked_payment_id: { constant: '' },
          note: { from: ['Description'] },
          approved_by: { metadata: ['approved_by', 'approver'] }
        }
      }
    ]
  }
];

export function presetById(id: string): Preset | undefined {
  return presets.find((p) => p.id === id);
}
