"""Settlement: payment models applied to claims (the ledger comes with the settlement stage)."""
