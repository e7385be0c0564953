/**
 * A small Stripe-style export folder written by hand from the shapes in docs/EXPORTS.md:
 * Dashboard headers in the exporter's own order, a BOM, quoted commas and a newline in a
 * description, an empty id, decimal major units, UTC timestamps without offset.
 */
export const stripeCustomers =
  '\uFEFFid,Description,Email,Name,Created (UTC),Delinquent,Card Address Country,Plan,Status,Cancel At Period End,Account Balance,Currency\n' +
  'cus_A1,,ana@example.com,Ana Ltd,2025-01-03 10:00,false,US,pro,active,false,0,usd\n' +
  'cus_B2,,bo@example.com,"Bo, Inc.",2025-01-04 11:00,false,DE,starter,active,false,-50.00,usd\n' +
  'cus_C3,,,Chen Co,2025-01-05 12:00,false,JP,enterprise,canceled,false,0,usd\n' +
  ',,guest@example.com,Guest,2025-01-06 13:00,false,ZZ,,,false,0,usd\n';

export const stripePayments =
  'id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Description,Fee,Refunded date (UTC),Status,Customer ID,Customer Email,Invoice ID\n' +
  'ch_1,2026-02-01 09:15:02,99.00,0.00,usd,true,"Subscription, monthly",3.17,,Paid,cus_A1,ana@example.com,in_1\n' +
  'ch_2,2026-02-02 10:00:00,"1,200.00",120.00,usd,true,"Line one\nline two",35.10,2026-02-03 08:00:00,Paid,cus_B2,bo@example.com,in_2\n' +
  'ch_3,2026-02-03 11:30:00,49.00,49.00,usd,true,,1.72,2026-02-04 09:00:00,Refunded,cus_C3,,in_3\n' +
  'py_4,2026-02-04 12:00:00,49.00,0.00,usd,false,,0,,Failed,cus_C3,,in_4\n' +
  ',2026-02-05 12:00:00,10.00,0.00,usd,false,,0,,requires_payment_method,cus_A1,,\n';

export const stripeInvoices =
  'id,Amount Due,Billing,Closed,Currency,Customer,Date (UTC),Due Date (UTC),Number,Paid,Subscription,Subtotal,Total Discount Amount,Applied Coupons,Tax,Tax Percent,Total,Amount Paid,Status,tier (metadata)\n' +
  'in_1,99.00,charge_automatically,true,usd,cus_A1,2026-02-01 09:00,,A-1,true,sub_1,99.00,0,,0,,99.00,99.00,paid,pro\n' +
  'in_2,1200.00,charge_automatically,true,usd,cus_B2,2026-02-02 09:00,,B-1,true,sub_2,1300.00,100.00,SAVE100,0,,1200.00,1200.00,paid,enterprise\n' +
  'in_3,49.00,charge_automatically,true,usd,cus_C3,2026-02-03 09:00,,C-1,true,sub_3,49.00,0,,0,,49.00,49.00,paid,starter\n';

export const stripeSubscriptions =
  'id,Customer ID,Customer Name,Status,Plan,Amount,Interval,Start Date (UTC),Canceled At (UTC)\n' +
  'sub_1,cus_A1,Ana Ltd,active,pro,99.00,month,2025-01-03 10:00,\n' +
  'sub_2,cus_B2,"Bo, Inc.",active,enterprise,15600.00,year,2025-01-04 11:00,\n' +
  'sub_3,cus_C3,Chen Co,canceled,starter,49.00,month,2025-01-05 12:00,2026-02-10 00:00\n';

export const stripeBalanceHistory =
  'id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description\n' +
  'txn_1,charge,ch_1,99.00,3.17,95.83,usd,2026-02-01 09:15,2026-02-03 00:00,Subscription\n' +
  'txn_2,refund,ch_2,-60.00,0,-60.00,usd,2026-02-03 08:00,2026-02-05 00:00,REFUND FOR CHARGE (Subscription update)\n' +
  'txn_3,refund,ch_2,-60.00,0,-60.00,usd,2026-02-03 08:20,2026-02-05 00:00,REFUND FOR CHARGE (Subscription update)\n' +
  'txn_4,payment_refund,ch_3,-49.00,0,-49.00,usd,2026-02-04 09:00,2026-02-06 00:00,REFUND FOR PAYMENT\n' +
  'txn_5,payout,po_1,-500.00,0,-500.00,usd,2026-02-05 00:00,2026-02-05 00:00,STRIPE PAYOUT\n';

export const stripeCustomerBalance =
  'id,Customer,Amount,Created (UTC),Description,Type,Currency,Ending Balance,Invoice,Credit Note,approved_by (metadata)\n' +
  'cbtxn_1,cus_B2,-50.00,2026-02-06 10:00,Goodwill credit,adjustment,usd,-50.00,,,finance@example.com\n' +
  'cbtxn_2,cus_A1,-350.00,2026-02-07 10:00,Courtesy credit,adjustment,usd,-350.00,,,\n' +
  'cbtxn_3,cus_A1,350.00,2026-02-08 10:00,Applied to invoice,applied_to_invoice,usd,0,in_9,,\n';

export function headerOf(csv: string): string[] {
  return (csv.split('\n')[0] ?? '').split(',');
}
