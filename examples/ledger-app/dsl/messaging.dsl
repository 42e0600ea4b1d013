module ledger_app.messaging

use ledger_app.core

message PaymentReceipt "Payment Receipt":
  to: email required
  amount: str(20) required

channel payment_jobs "Payment Processing":
  kind: queue
  provider: auto

  config:
    dead_letter_after: 5

  send settle_payment:
    message: PaymentReceipt
    when: entity Payment created

channel ledger_events "Ledger Events":
  kind: stream

  config:
    retention: 7d
    partition_key: customer_id

schedule nightly_reconciliation "Nightly Reconciliation":
  cron: "0 2 * * *"
  timezone: "Europe/London"
  overlap: skip
