"""The association's money: refunds, the ledger of what each shop is owed, payouts."""
