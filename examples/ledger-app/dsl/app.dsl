# A small wallet service: customers hold balances in a TigerBeetle ledger,
# payments are recorded asynchronously, and a nightly job reconciles.
module ledger_app.core

app ledger_app "Ledger App":
  description: "Customer wallets backed by a TigerBeetle ledger"

entity Customer "Customer":
  id: uuid pk
  email: email required unique
  name: str(200) required
  balance_cache: money(GBP) optional
  created_at: datetime auto_add

entity Payment "Payment":
  id: uuid pk
  customer: ref Customer required
  amount: money(GBP) required
  status: enum[pending, settled, failed]=pending
  receipt: file optional
  created_at: datetime auto_add
