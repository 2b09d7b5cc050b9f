"""The manager's figures: daily aggregates per shop kept by the jobs, read per period."""
